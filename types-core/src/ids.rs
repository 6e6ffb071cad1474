//! Typed ids: a droplet's id, an image's, an action's, a VPC's and a transfer's are different
//! types, so passing one where another belongs does not compile (the SDK's `ids` docs show it).
//!
//! `cargo xtask generate` writes a newtype for every id the API's paths take (`droplet_id`
//! gives [`DropletId`], `vpc_id` gives [`VpcId`]) into `generated/ids.rs`, each a call of
//! `id_type!` (an integer id) or `string_id_type!` (an id the API gives as text: a UUID, a
//! name).

use std::fmt;

// Defines one id type: the generated ids call it (the generator's `id_types` setting).
//
// A `u64` inside, not a `NonZeroU64`: the API documents its ids as positive, yet a response
// carrying a `0` (a placeholder, a deleted image's id) must still decode, since one field is
// never worth a lost response. An id built by hand refuses 0 (`new`, `TryFrom`, `FromStr`).
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        ///
        /// Any integer the API sends decodes, `0` included; one built by hand is positive.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(u64);

        impl $name {
            /// Wraps a raw id; `None` for zero, which the API never uses.
            pub const fn new(id: u64) -> Option<Self> {
                match id {
                    0 => None,
                    id => Some(Self(id)),
                }
            }

            /// The raw id (`0` only when the API sent one).
            pub const fn get(self) -> u64 {
                self.0
            }
        }

        impl From<::std::num::NonZeroU64> for $name {
            fn from(id: ::std::num::NonZeroU64) -> Self {
                Self(id.get())
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

// Defines one id the API gives as text: any string decodes (a UUID's `format` is not checked:
// the server decides), and it is encoded back unchanged.
macro_rules! string_id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(::std::string::String);

        impl $name {
            /// Wraps an id's text, as the API gives it: any text is one.
            pub fn new(id: impl Into<::std::string::String>) -> Self {
                Self(id.into())
            }

            /// The id's text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id's text, owned.
            pub fn into_string(self) -> ::std::string::String {
                self.0
            }
        }

        impl From<::std::string::String> for $name {
            fn from(id: ::std::string::String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl From<$name> for ::std::string::String {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self(s.to_owned()))
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

pub(crate) use {id_type, string_id_type};

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

#[cfg(test)]
mod tests {
    string_id_type!(
        /// A test's text id.
        ThingId,
        "thing"
    );

    id_type!(
        /// A test's integer id.
        CountId,
        "count"
    );

    #[test]
    fn an_integer_id_decodes_zero_but_is_never_built_as_zero() {
        // The API documents positive ids; a `0` it sends anyway decodes and goes back unchanged.
        let zero: CountId = serde_json::from_str("0").unwrap();
        assert_eq!(zero.get(), 0);
        assert_eq!(serde_json::to_string(&zero).unwrap(), "0");
        let id: CountId = serde_json::from_str("36805527").unwrap();
        assert_eq!((id.get(), id.to_string()), (36805527, "36805527".to_owned()));
        // By hand, 0 is no id.
        assert_eq!(CountId::new(0), None);
        assert!(CountId::try_from(0).is_err());
        assert_eq!("0".parse::<CountId>().unwrap_err().to_string(), "count id must be a positive integer, got `0`");
        assert_eq!(" 7 ".parse::<CountId>().unwrap(), CountId::new(7).unwrap());
        // A negative or fractional number is no id of the API's either.
        assert!(serde_json::from_str::<CountId>("-1").is_err());
    }

    #[test]
    fn any_text_decodes_into_a_string_id_and_encodes_back_unchanged() {
        for text in ["", " ", "8f7c3a52-2f2e-4bb9-9c1c-0d8b1d3a5f10", "not a uuid", "a/b?c#d%20é", "12"] {
            let json = serde_json::to_string(text).unwrap();
            let id: ThingId = serde_json::from_str(&json).unwrap();
            assert_eq!(id.as_str(), text);
            assert_eq!(id.to_string(), text);
            assert_eq!(serde_json::to_string(&id).unwrap(), json);
            assert_eq!(text.parse::<ThingId>().unwrap(), id);
            assert_eq!(ThingId::from(text), id);
            assert_eq!(id.clone().into_string(), text);
            assert_eq!(AsRef::<str>::as_ref(&id), text);
        }
        // A number is not text: the API never gives one for a text id.
        assert!(serde_json::from_str::<ThingId>("12").is_err());
    }
}
