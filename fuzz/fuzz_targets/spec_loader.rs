//! The generator's parse, validate and normalize on arbitrary bytes; the body is
//! `tests::fuzz_targets::spec_loader`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tests::fuzz_targets::spec_loader(data));
