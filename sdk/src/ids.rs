//! Typed ids: an image id, an action id and a transfer id are different types, so passing one
//! where another belongs does not compile.

use std::fmt;
use std::num::NonZeroU64;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(NonZeroU64);

        impl $name {
            /// Wraps a raw id; `None` for zero, which the API never uses.
            pub const fn new(id: u64) -> Option<Self> {
                match NonZeroU64::new(id) {
                    Some(id) => Some(Self(id)),
                    None => None,
                }
            }

            /// The raw id.
            pub const fn get(self) -> u64 {
                self.0.get()
            }
        }

        impl From<NonZeroU64> for $name {
            fn from(id: NonZeroU64) -> Self {
                Self(id)
            }
        }

        impl From<$name> for NonZeroU64 {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl TryFrom<u64> for $name {
            type Error = InvalidId;
            fn try_from(id: u64) -> Result<Self, Self::Error> {
                Self::new(id).ok_or_else(|| InvalidId { what: $what, text: id.to_string() })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = InvalidId;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().ok().and_then(Self::new).ok_or_else(|| InvalidId { what: $what, text: s.to_owned() })
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

id_type!(
    /// The id of an image (a snapshot, backup or custom image).
    ImageId,
    "image"
);
id_type!(
    /// The id of an action.
    ActionId,
    "action"
);
id_type!(
    /// The id of a pending image account transfer (see
    /// [`AccountTransfers`](crate::AccountTransfers)).
    TransferId,
    "transfer"
);
