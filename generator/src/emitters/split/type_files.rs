//! `types/<feature>.rs`: the types (and builders, and defaults) one feature alone needs, in
//! out-of-line modules.

use super::*;

/// The folder (inside the output folder) of the types only one feature needs.
pub const TYPES_DIR: &str = "types";

/// The items of the types one feature alone needs, and their builders.
#[derive(Default)]
pub(super) struct FeatureTypes {
    pub(super) types: Vec<syn::Item>,
    pub(super) builders: Vec<syn::Item>,
    pub(super) defaults: Vec<syn::Item>,
}

/// The feature whose file a type goes to: the one tag that reaches it, or `full` when none
/// does. A type several tags reach has none: it stays in `types.rs`, gated by them.
pub(super) fn lone_feature(tags: Option<&BTreeSet<String>>) -> Option<String> {
    match tags.filter(|t| !t.is_empty()) {
        None => Some(FULL.to_owned()),
        Some(t) if t.len() == 1 => t.first().cloned(),
        Some(_) => None,
    }
}

/// `types/<feature>.rs` for each feature, and what `types.rs` needs to mount them.
pub(super) struct FeatureTypeFiles {
    /// Each file's name (inside the output folder, `types/<feature>.rs`) and formatted Rust, by
    /// feature.
    pub(super) files: Vec<(String, (String, String))>,
    /// For `types.rs`: each file's gated `mod` and the glob re-export that keeps its types at
    /// `types::X`, by feature.
    pub(super) decls: Vec<(String, syn::Item)>,
    /// For `types::builder`: the re-exports of each file's builders, kept at `types::builder::X`,
    /// by feature.
    pub(super) builder_reexports: Vec<(String, syn::Item)>,
}

// Out-of-line modules, so that rustc does not even parse the types of a feature that is off
// (items gated in one file are parsed all the same). A file's items need no gate of their own:
// its `mod` has it. `use super::*` gives them what `types.rs` holds (the shared types,
// `error`, `defaults`), and its `builder` module shadows `types::builder` there, so that
// `builder::X` names the builder beside `X`. Its `defaults` module, likewise, holds the
// functions only its types name (a newtype's field is private to its module, so the function
// building one must be inside it) and re-exports the shared ones.
pub(super) fn feature_type_files(
    alone: BTreeMap<String, FeatureTypes>,
    builder_attrs: &[syn::Attribute],
    defaults_attrs: &[syn::Attribute],
    header: &str,
) -> FeatureTypeFiles {
    let mut out = FeatureTypeFiles { files: Vec::new(), decls: Vec::new(), builder_reexports: Vec::new() };
    for (feature, FeatureTypes { types, builders, defaults }) in alone {
        let ident = module_ident(&feature);
        let cfg = cfg_attr(Some(&BTreeSet::from([feature.clone()])));
        let mut items: Vec<syn::Item> = vec![syn::parse_quote! { use super::*; }];
        items.extend(types);
        if !defaults.is_empty() {
            let mut own: Vec<syn::Item> = vec![syn::parse_quote! { pub(super) use super::super::defaults::*; }];
            own.extend(defaults);
            items.push(module("defaults", defaults_attrs.to_vec(), own));
        }
        if !builders.is_empty() {
            items.push(module("builder", builder_attrs.to_vec(), builders));
            out.builder_reexports
                .push((feature.clone(), syn::parse_quote! { #cfg pub use super::#ident::builder::*; }));
        }
        let file = syn::File {
            shebang: None,
            attrs: vec![syn::parse_quote! { #![allow(unused_imports, clippy::all)] }],
            items,
        };
        let name = format!("{TYPES_DIR}/{feature}.rs");
        let what = if feature == FULL {
            "the types no operation reaches (`full` only)".to_owned()
        } else {
            format!("the types only the `{feature}` operations reach")
        };
        let text = format!("{}{}", file_header(header, &what), prettyplease::unparse(&file));
        out.files.push((feature.clone(), (name.clone(), text)));
        out.decls.push((feature.clone(), syn::parse_quote! { #cfg #[path = #name] mod #ident; }));
        out.decls.push((feature.clone(), syn::parse_quote! { #cfg pub use #ident::*; }));
    }
    out
}
