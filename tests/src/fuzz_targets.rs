//! The bodies of the `cargo fuzz` targets (`fuzz/fuzz_targets/`), here so that the normal test
//! suite runs the very same code on the committed seed corpora (`tests/tests/fuzz_corpus.rs`).
//! A panic in either function is a finding.

use std::fmt::Debug;
use std::path::Path;

use digitalocean_sdk::types::{ActionPage, ActionResponse, Error as ErrorBody, ImageAction};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// `decode_responses`: every response decoder on arbitrary bytes. Decoding may fail, but must
/// not panic; whatever decodes must encode, and decode again to an equal value.
pub fn decode_responses(data: &[u8]) {
    round_trip::<ActionResponse>(data);
    round_trip::<ActionPage>(data);
    round_trip::<ErrorBody>(data);
    round_trip::<ImageAction>(data);
}

fn round_trip<T: DeserializeOwned + Serialize + PartialEq + Debug>(data: &[u8]) {
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

/// `spec_loader`: the generator's front half on arbitrary bytes, as one spec fragment: parse
/// (YAML or JSON), merge and validate, then every normalization pass. Each step may reject the
/// input with an error, but must not panic or hang.
pub fn spec_loader(data: &[u8]) {
    let path = Path::new("fuzz.yaml");
    let Ok(doc) = generator::load::parse(path, data) else { return };
    let file = generator::SpecFile { path: path.to_owned(), bytes: data.to_vec(), doc };
    let Ok(mut doc) = generator::prepare(&[file]) else { return };
    generator::normalize::normalize(&mut doc);
}
