//! Passes over progenitor's output, for what no change to the input document can reach.
//! Like the normalization passes, each is one module named for what it does, with a test.
//!
//! Each pass depends on the shape of progenitor's output (progenitor is pinned exactly for
//! that reason). A pass that finds nothing to rewrite while the spec says there is something
//! (see [`expect`]) fails with [`crate::Error::OutputPass`], naming itself and what it looked
//! for, instead of silently leaving the code as progenitor wrote it.

pub mod build_requests;
pub mod drop_empty_header_map;
pub mod drop_unused_struct_builders;
pub mod expect;
pub mod format_integer_path_params;
pub mod insert_open_enums;
pub mod null_as_absent;
pub mod open_inline_enums;
pub mod operation_impls;
pub mod strict_shapes;
pub mod strip_api_version_header;

/// Whether a pass over the operations walks into `module`: not into `types`, which holds no
/// operation and is most of the file (walking it was most of those passes' time).
pub(crate) fn holds_operations(module: &syn::ItemMod) -> bool {
    module.ident != "types"
}
