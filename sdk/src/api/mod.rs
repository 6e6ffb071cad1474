//! The resources: one handle per part of the API, in the API's words, each a thin layer over
//! the generated builders that sends through [`call`](crate::call) and unwraps the API's
//! envelopes. Lists page through [`paging`], actions are waited for with [`wait`].

//!
//! Each handle is compiled under its tag's cargo feature; waiting, which two tags share, under
//! either. The handles are generated; what the spec cannot say (waits, the two kinds of image
//! action, an image's slug, typed transfers) is an `impl` block on the generated handle, in
//! this folder.

// Used by the tags whose operations answer with an action: some, not all.
#[cfg(feature = "images")]
pub(crate) mod account_transfers;
#[cfg_attr(not(feature = "full"), allow(dead_code))]
pub(crate) mod action_call;
/// The handles of every tag, written by `cargo xtask generate` (never by hand).
// prettyplease formats it, deterministically; rustfmt must not touch it, or `--check` fails.
#[rustfmt::skip]
pub mod generated;
#[cfg(feature = "actions")]
mod actions;
#[cfg(feature = "image-actions")]
mod image_actions;
#[cfg(feature = "images")]
pub(crate) mod images;
// Used by every tag with a list: most, not all (a tag without one leaves it unused).
#[cfg_attr(not(feature = "full"), allow(dead_code))]
pub(crate) mod paging;
pub(crate) mod raw;
#[cfg(any(feature = "actions", feature = "image-actions"))]
pub(crate) mod wait;
// Only droplet actions by tag answer with several actions; they poll the account's route.
#[cfg(feature = "actions")]
#[cfg_attr(not(feature = "droplet-actions"), allow(dead_code))]
pub(crate) mod wait_all;

#[cfg(feature = "images")]
pub use account_transfers::{AccountTransfer, AccountTransfers};
pub use action_call::ActionCall;
/// The account's actions, page after page: the generated [`ActionsList`](generated::ActionsList)
/// that `client.actions().list()` gives (an image's actions are an
/// [`ImageActionsList`](generated::ImageActionsList)).
#[cfg(feature = "actions")]
#[deprecated(note = "use `digitalocean_sdk::handles::ActionsList` (or `ImageActionsList` for an image's actions)")]
pub type ListActions<'a> = generated::ActionsList<'a>;
#[cfg(feature = "images")]
pub use images::{CreateCustomImage, ListImages, UpdateImage};
pub use raw::RawRequest;
#[cfg(any(feature = "actions", feature = "image-actions"))]
pub use wait::{DEFAULT_WAIT_TIMEOUT, Progress, Wait, WaitEvent};
#[cfg(feature = "actions")]
pub use wait_all::WaitAll;
