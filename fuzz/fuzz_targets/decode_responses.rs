//! The response decoders on arbitrary bytes; the body is `tests::fuzz_targets::decode_responses`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tests::fuzz_targets::decode_responses(data));
