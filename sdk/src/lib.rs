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
//! let done = client.image_actions().wait(image, action.id).await?;
//! println!("{} finished at {:?}", done.id, done.completed_at);
//! # Ok(())
//! # }
//! ```
//!
//! The layers, each a folder or file of its own:
//! - the public surface: [`Client`] and its [`ClientBuilder`], [`Config`], [`Error`], the
//!   typed ids, [`Response`] and [`ByteStream`] (a body that is not JSON);
//! - the resources (`api/`): the handles [`Images`], [`ImageActions`], [`Actions`], their
//!   lists and [`Wait`];
//! - the runtime the generated code calls (`runtime/`): sending and reading bodies, the retry
//!   loop and its [`RetryPolicy`], [`RateLimit`], TLS;
//! - the generated code (private), whose request and response types are in [`types`].
//!
//! The [`guide`] walks through configuration, every resource, errors, retries, rate limits and
//! waiting.

#![warn(missing_docs)]

mod api;
mod byte_stream;
// Which of its functions are called depends on the tag features on (a stream body only in a
// few tags, the envelope mapping only in the hand-written handles); with `full` all are.
#[cfg_attr(not(feature = "full"), allow(dead_code))]
mod call;
mod client;
mod config;
mod error;
mod ids;
mod response;
mod runtime;

/// The code progenitor generates from `openapi/`: types, the low-level `Client` and its
/// builders. Written by `cargo xtask generate`; never edit it by hand. Private: users reach
/// operations through the resource handles, and the types through [`types`].
// prettyplease formats it, deterministically; rustfmt must not touch it, or `--check` fails.
#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic, unused_imports, unreachable_pub, dead_code)]
mod generated;

#[cfg(feature = "actions")]
#[allow(deprecated)]
pub use api::ListActions;
#[cfg(feature = "actions")]
pub use api::WaitAll;
/// The resource handles of every tag (images, image actions and actions are also at the
/// crate's root): `client.droplets()`,
/// `client.one_click_applications()`, ... and the requests their methods give when an operation
/// has optional parameters.
pub use api::generated as handles;
#[cfg(feature = "actions")]
pub use api::generated::Actions;
#[cfg(feature = "image-actions")]
pub use api::generated::ImageActions;
#[cfg(feature = "images")]
pub use api::generated::Images;
#[cfg(feature = "images")]
pub use api::{AccountTransfer, AccountTransfers, CreateCustomImage, ListImages, UpdateImage};
pub use api::{ActionCall, RawRequest};
#[cfg(any(feature = "actions", feature = "image-actions"))]
pub use api::{DEFAULT_WAIT_TIMEOUT, Progress, Wait, WaitEvent};
pub use byte_stream::ByteStream;
pub use client::{AgentEndpoint, Client};
pub use config::{
    AgentAccessKey, BASE_URL_ENV, ClientBuilder, Config, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_INFERENCE_URL, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT, ModelAccessKey, TOKEN_ENV, Token,
};
pub use digitalocean_sdk_types_core::Timestamp;
pub use error::{ApiError, Error};
pub use generated::types;
// Every id type: the hand-written ones and those `cargo xtask generate` reads off the API.
pub use ids::*;
/// The HTTP method of a [`Client::request`].
pub use reqwest::Method;
pub use response::Response;
pub use runtime::rate_limit::RateLimit;
pub use runtime::retry::RetryPolicy;
#[cfg(feature = "image-actions")]
pub use types::RegionSlug;
#[cfg(any(feature = "actions", feature = "image-actions"))]
pub use types::{Action, ActionStatus};
#[cfg(feature = "images")]
pub use types::{Distribution, Image, ImageListType, ImageStatus, ImageType};

#[doc = include_str!("guide.md")]
pub mod guide {}

/// The README's example, compiled as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
