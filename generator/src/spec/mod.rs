//! The first stages: the spec's files read and merged ([`load`]), corrected by the overlays
//! ([`overlay`]), and checked for what progenitor would choke on
//! ([`validate`]), with errors that name the file and the JSON pointer.

pub mod load;
pub mod overlay;
pub mod validate;
