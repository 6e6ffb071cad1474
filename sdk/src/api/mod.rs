//! The resources: one handle per part of the API, in the API's words, each a thin layer over
//! the generated builders that sends through [`call`](crate::call) and unwraps the API's
//! envelopes. Lists page through [`paging`], actions are waited for with [`wait`].

pub(crate) mod account_transfers;
pub(crate) mod actions;
pub(crate) mod image_actions;
pub(crate) mod images;
pub(crate) mod paging;
pub(crate) mod wait;

pub use account_transfers::{AccountTransfer, AccountTransfers};
pub use actions::{Actions, ListActions};
pub use image_actions::ImageActions;
pub use images::{CreateCustomImage, Images, ListImages, UpdateImage};
pub use wait::{DEFAULT_WAIT_TIMEOUT, Progress, Wait, WaitEvent};
