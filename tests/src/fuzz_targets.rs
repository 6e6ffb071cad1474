//! The bodies of the `cargo fuzz` targets (`fuzz/fuzz_targets/`), here so that the normal test
//! suite runs the very same code on the committed seed corpora (`tests/tests/fuzz_corpus.rs`).
//! A panic in either function is a finding.

use std::path::Path;

/// `decode_responses`: response decoders on arbitrary bytes. The first two bytes (big-endian,
/// modulo the table's length) pick one of the API's response types
/// ([`crate::example_codecs::RESPONSE_TYPES`], every success and failure body of every
/// operation), the rest is the body; one type per input, so that the fuzzer's coverage
/// feedback tells the types apart and each input stays cheap. Decoding may fail, but must not
/// panic; whatever decodes must encode, and decode again to an equal value
/// ([`crate::examples::round_trip`]).
#[cfg(feature = "whole-api")]
pub fn decode_responses(data: &[u8]) {
    let table = crate::example_codecs::RESPONSE_TYPES;
    let Some((selector, body)) = split_selector(data) else { return };
    let (_, round_trip) = table[usize::from(selector) % table.len()];
    round_trip(body);
}

/// `decode_responses` on the SDK's default tags (the normal test suite, which does not build
/// every tag): the same input format, the selector ignored, and the body through the four
/// decoders those tags have.
#[cfg(not(feature = "whole-api"))]
pub fn decode_responses(data: &[u8]) {
    use crate::examples::round_trip;
    use digitalocean_sdk::types::{ActionPage, ActionResponse, Error as ErrorBody, ImageAction};

    let Some((_, body)) = split_selector(data) else { return };
    round_trip::<ActionResponse>(body);
    round_trip::<ActionPage>(body);
    round_trip::<ErrorBody>(body);
    round_trip::<ImageAction>(body);
}

/// A `decode_responses` input's type selector (its first two bytes, big-endian) and the body
/// after it; `None` when it is shorter than the selector.
pub fn split_selector(data: &[u8]) -> Option<(u16, &[u8])> {
    let [high, low, body @ ..] = data else { return None };
    Some((u16::from_be_bytes([*high, *low]), body))
}

/// `spec_loader`: the generator's front half on arbitrary bytes, as one spec fragment: parse
/// (YAML or JSON), merge and validate, then every normalization pass. Each step may reject the
/// input with an error, but must not panic or hang.
pub fn spec_loader(data: &[u8]) {
    let path = Path::new("fuzz.yaml");
    let Ok(doc) = generator::spec::load::parse(path, data) else { return };
    let file = generator::SpecFile { path: path.to_owned(), bytes: data.to_vec(), doc };
    let Ok(mut doc) = generator::prepare(&[file]) else { return };
    generator::normalize::normalize(&mut doc);
}
