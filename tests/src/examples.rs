//! What the examples test's generated table (`example_codecs`) is made of: a codec per place,
//! decoding a documented example into the generated type there and encoding it again.

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
