//! What the examples test's generated table (`example_codecs`) is made of: a codec per place,
//! decoding a documented example into the generated type there and encoding it again; and of
//! its table of response types (`RESPONSE_TYPES`), a round trip of arbitrary bytes per type, for
//! the `decode_responses` fuzz target.

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes an example into one generated type and encodes it again; the error names the field.
pub type Codec = fn(&Value) -> Result<Value, String>;

/// The generated types of one operation's places (`None`: no JSON type there).
#[derive(Clone, Copy, Debug)]
pub struct Operation {
    /// The operationId, as the spec spells it.
    pub id: &'static str,
    /// What `send` returns on success (every 2xx body, merged as progenitor merges them).
    pub success: Option<Codec>,
    /// What an error response decodes into.
    pub failure: Option<Codec>,
    /// The request body the builder takes.
    pub body: Option<Codec>,
}

/// [`Codec`] for `T`.
pub fn codec<T: DeserializeOwned + Serialize>(example: &Value) -> Result<Value, String> {
    let value: T = serde_path_to_error::deserialize(example).map_err(|e| {
        let path = e.path().to_string();
        if path == "." { e.into_inner().to_string() } else { format!("at `{path}`: {}", e.into_inner()) }
    })?;
    serde_json::to_value(&value).map_err(|e| format!("encoding: {e}"))
}

/// One type's [`round_trip`], as the table of response types holds it.
pub type RoundTrip = fn(&[u8]);

/// The round trip the `decode_responses` fuzz target drives for `T`: arbitrary bytes decoded as
/// the SDK decodes a response body (`serde_json::from_slice`). Decoding may fail, but must not
/// panic; whatever decodes must encode, and decode again to an equal value, or a caller who
/// stores and reloads what the API sent would not get it back. A panic is the finding.
pub fn round_trip<T: DeserializeOwned + Serialize + PartialEq + Debug>(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<T>(data) else { return };
    let encoded = serde_json::to_vec(&value).expect("a decoded value encodes");
    let again: T = serde_json::from_slice(&encoded).unwrap_or_else(|e| {
        panic!(
            "{} does not decode what it encodes: {e}\n{}",
            std::any::type_name::<T>(),
            String::from_utf8_lossy(&encoded)
        )
    });
    assert_eq!(again, value, "{} changes through encode and decode", std::any::type_name::<T>());
}
