//! The request and response types of the DigitalOcean API that several tags share, the typed
//! ids, and the types of most tags alone. A part of
//! [`digitalocean-sdk`](https://docs.rs/digitalocean-sdk), which re-exports them as
//! `digitalocean_sdk::types` and whose features turn on this crate's: depend on that crate.
//!
//! The types are crates of their own (this one, and `digitalocean-sdk-types-ext` for the
//! largest tags) so that no compiler process holds every tag at once: the SDK in one crate
//! took 3.4 GB of memory to build with every tag, and none of its three crates takes 1.5 GB.

#![warn(missing_docs)]

pub mod ids;
mod timestamp;

pub use timestamp::Timestamp;

/// What the generated types call while they decode.
#[doc(hidden)]
pub mod runtime {
    pub mod null;
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

/// An image id is also a valid "id or slug": its decimal digits. This lets the generated
/// builders take an [`ImageId`](ids::ImageId) directly.
#[cfg(feature = "images")]
impl From<ids::ImageId> for types::ImageIdOrSlug {
    fn from(image: ids::ImageId) -> Self {
        types::ImageIdOrSlug(image.to_string())
    }
}
