//! A Rust client for the DigitalOcean API, generated from OpenAPI with progenitor, with a small
//! hand-written layer on top: authentication and configuration, one typed error, safe retries,
//! rate limits, pagination and waiting for actions.
//!
//! ```no_run
//! use digitalocean_sdk::{Client, ImageId};
//!
//! # async fn demo() -> Result<(), digitalocean_sdk::Error> {
//! let client = Client::from_env()?; // DIGITALOCEAN_TOKEN
//! let image = ImageId::new(7938269).expect("a positive id");
//! let action = client.image_actions().transfer(image, "nyc3").await?;
//! let done = client.image_actions().wait(image, action.id.into()).await?;
//! println!("{} finished at {:?}", done.id, done.completed_at);
//! # Ok(())
//! # }
//! ```
//!
//! The generated layer lives in [`generated`] (never edited by hand: `cargo xtask generate`
//! writes it from `openapi/`). Its builders stay reachable through [`Client`]'s `Deref`.

#![warn(missing_docs)]

mod account_transfers;
mod actions;
mod body;
mod call;
mod client;
mod config;
mod error;
mod hooks;
mod ids;
mod image_actions;
mod images;
mod paging;
mod rate_limit;
pub mod retry;
mod runtime;
mod timestamp;
mod tls;
mod wait;

/// The code progenitor generates from `openapi/`: types, the low-level `Client` and its
/// builders. Written by `cargo xtask generate`; never edit it by hand.
// prettyplease formats it, deterministically; rustfmt must not touch it, or `--check` fails.
#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic, unused_imports, unreachable_pub)]
pub mod generated;

pub use account_transfers::{AccountTransfer, AccountTransfers};
pub use actions::{Actions, ListActions};
pub use call::Response;
pub use client::Client;
pub use config::{
    BASE_URL_ENV, Config, ConfigBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_REQUEST_TIMEOUT, TOKEN_ENV, Token,
};
pub use error::{ApiError, Error};
pub use generated::types;
pub use ids::{ActionId, ImageId, TransferId};
pub use image_actions::ImageActions;
pub use images::{CreateCustomImage, Images, ListImages, UpdateImage};
pub use rate_limit::RateLimit;
pub use retry::RetryPolicy;
pub use runtime::Runtime;
pub use types::{Action, ActionStatus, Distribution, Image, ImageListType, ImageStatus, ImageType, RegionSlug};
pub use wait::{DEFAULT_WAIT_TIMEOUT, Progress, Wait, WaitEvent};
