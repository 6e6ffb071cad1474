//! Passes over progenitor's output, for what no change to the input document can reach.
//! Like the normalization passes, each is one module named for what it does, with a test.

pub mod drop_empty_header_map;
pub mod format_integer_path_params;
pub mod insert_open_enums;
pub mod move_response_headers;
pub mod operation_impls;
pub mod strip_api_version_header;
pub mod timestamp_deserializer;
