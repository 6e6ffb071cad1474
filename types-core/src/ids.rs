//! Typed ids: a droplet's id, an image's, an action's and a transfer's are different types, so
//! passing one where another belongs does not compile (the SDK's `ids` docs show it).
//!
//! `cargo xtask generate` writes a newtype for every integer id the API's paths take
//! (`droplet_id` gives [`DropletId`]) into `generated/ids.rs`, each a call of `id_type!`.

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
    /// the SDK's `AccountTransfers`).
    TransferId,
    "transfer"
);

/// The newtypes read off the API (`cargo xtask generate`); never edit it by hand.
// prettyplease's neighbours: the file is generated, so rustfmt must not touch it.
#[rustfmt::skip]
#[path = "generated/ids.rs"]
mod generated;

pub use generated::*;
