//! Typed ids: a droplet's id, an image's, an action's and a transfer's are different types, so
//! passing one where another belongs does not compile.
//!
//! `cargo xtask generate` writes a newtype for every integer id the API's paths take
//! (`droplet_id` gives [`DropletId`]) into `generated/ids.rs`, each a call of `id_type!`; the
//! handles take them and the resources' ids are them:
//!
//! ```no_run
//! # async fn demo(client: digitalocean_sdk::Client) -> Result<(), digitalocean_sdk::Error> {
//! let image = digitalocean_sdk::ImageId::new(7938269).expect("a positive id");
//! let action = client.image_actions().convert(image).await?;
//! client.image_actions().get(image, action.id).await?;
//! # Ok(())
//! # }
//! ```
//!
//! The same call with the two ids swapped does not compile:
//!
//! ```compile_fail
//! # async fn demo(client: digitalocean_sdk::Client) -> Result<(), digitalocean_sdk::Error> {
//! let image = digitalocean_sdk::ImageId::new(7938269).expect("a positive id");
//! let action = client.image_actions().convert(image).await?;
//! client.image_actions().get(action.id, image).await?;
//! # Ok(())
//! # }
//! ```
//!
//! Nor does a droplet's handle take an image's id (with the `droplets` feature, where the
//! handle exists):
#![cfg_attr(feature = "droplets", doc = "```compile_fail")]
#![cfg_attr(not(feature = "droplets"), doc = "```ignore")]
//! # async fn demo(client: digitalocean_sdk::Client) -> Result<(), digitalocean_sdk::Error> {
//! let image = digitalocean_sdk::ImageId::new(7938269).expect("a positive id");
//! client.droplets().get(image).await?;
//! # Ok(())
//! # }
//! ```
//!
//! while its own id does:
#![cfg_attr(feature = "droplets", doc = "```no_run")]
#![cfg_attr(not(feature = "droplets"), doc = "```ignore")]
//! # async fn demo(client: digitalocean_sdk::Client) -> Result<(), digitalocean_sdk::Error> {
//! let droplet = digitalocean_sdk::DropletId::new(3164444).expect("a positive id");
//! let droplet = client.droplets().get(droplet).await?;
//! client.droplets().get(droplet.id).await?;
//! # Ok(())
//! # }
//! ```

use std::fmt;

// Defines one id type: the generated ids call it (the generator's `id_types` setting).
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(::std::num::NonZeroU64);

        impl $name {
            /// Wraps a raw id; `None` for zero, which the API never uses.
            pub const fn new(id: u64) -> Option<Self> {
                match ::std::num::NonZeroU64::new(id) {
                    Some(id) => Some(Self(id)),
                    None => None,
                }
            }

            /// The raw id.
            pub const fn get(self) -> u64 {
                self.0.get()
            }
        }

        impl From<::std::num::NonZeroU64> for $name {
            fn from(id: ::std::num::NonZeroU64) -> Self {
                Self(id)
            }
        }

        impl From<$name> for ::std::num::NonZeroU64 {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl TryFrom<u64> for $name {
            type Error = $crate::ids::InvalidId;
            fn try_from(id: u64) -> Result<Self, Self::Error> {
                Self::new(id).ok_or_else(|| $crate::ids::InvalidId { what: $what, text: id.to_string() })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::ids::InvalidId;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().ok().and_then(Self::new).ok_or_else(|| $crate::ids::InvalidId { what: $what, text: s.to_owned() })
            }
        }
    };
}

/// A text or number that is not an id: ids are positive integers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidId {
    what: &'static str,
    text: String,
}

impl fmt::Display for InvalidId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} id must be a positive integer, got `{}`", self.what, self.text)
    }
}

impl std::error::Error for InvalidId {}

pub(crate) use id_type;

id_type!(
    /// The id of a pending image account transfer (see
    /// [`AccountTransfers`](crate::AccountTransfers)).
    TransferId,
    "transfer"
);

/// The newtypes read off the API (`cargo xtask generate`); never edit it by hand.
// prettyplease's neighbours: the file is generated, so rustfmt must not touch it.
#[rustfmt::skip]
#[path = "generated/ids.rs"]
mod generated;

pub use generated::*;
