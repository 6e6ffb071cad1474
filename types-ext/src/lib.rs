//! The request and response types of the DigitalOcean API's largest tags (and those no
//! operation reaches, with `full`), over every type of `digitalocean-sdk-types-core`. A part of
//! [`digitalocean-sdk`](https://docs.rs/digitalocean-sdk), which re-exports them as
//! `digitalocean_sdk::types` and whose features turn on this crate's: depend on that crate.
//!
//! A crate of its own so that no compiler process holds every tag at once (see
//! `digitalocean-sdk-types-core`).

#![warn(missing_docs)]

// The paths the generated types name, as in the crate below; with none of this crate's tags
// on, nothing names them.
#[allow(unused_imports)]
use digitalocean_sdk_types_core::{Timestamp, ids};
#[allow(unused_imports)]
mod runtime {
    pub(crate) use digitalocean_sdk_types_core::runtime::null;
}

/// The code progenitor generates from `openapi/`, written by `cargo xtask generate`; never edit
/// it by hand. The types are public through [`types`].
// prettyplease formats it, deterministically; rustfmt must not touch it, or `--check` fails.
#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic, unused_imports, unreachable_pub, dead_code)]
mod generated {
    pub mod types;
}

pub use generated::types;
