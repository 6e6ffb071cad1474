//! The last stage: files written from progenitor's code and the operation model. [`split`]
//! cuts the code into a file per tag (and the types into their crates, [`types_crates`]);
//! [`handles`] writes the resource handles and [`pages`] the list pages; [`codecs`],
//! [`handle_calls`] and [`fake_routes`] write the tables the tests and the fake API read.

pub mod codecs;
pub mod fake_routes;
pub mod handle_calls;
pub mod handles;
pub mod pages;
pub mod split;
pub mod types_crates;

/// The header of a file beside the first one: the generated mark, and what the file holds.
pub(crate) fn file_header(header: &str, what: &str) -> String {
    let first = header.lines().next().unwrap_or_default();
    format!("{first}\n// This file: {what}.\n\n")
}
