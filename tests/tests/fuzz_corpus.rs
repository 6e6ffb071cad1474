//! The fuzz targets' bodies on the committed seed corpora (`fuzz/corpus/<target>/`) and on
//! every input a fuzzer once crashed on (`fuzz/regressions/<target>/`), in the normal test
//! suite: the same functions `cargo fuzz` drives, without nightly.

use std::fs;
use std::path::PathBuf;

use tests::fuzz_targets::{decode_responses, spec_loader, split_selector};

/// The files of `fuzz/<dir>/<target>/`, sorted; none when the directory does not exist.
fn inputs(dir: &str, target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz").join(dir).join(target);
    let Ok(entries) = fs::read_dir(&root) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect();
    files.sort();
    files.into_iter().map(|p| (p.clone(), fs::read(&p).expect("readable"))).collect()
}

fn run(target: &str, body: fn(&[u8]), min_seeds: usize) {
    let seeds = inputs("corpus", target);
    assert!(seeds.len() >= min_seeds, "{target}: {} seeds, expected at least {min_seeds}", seeds.len());
    for (path, data) in seeds.iter().chain(&inputs("regressions", target)) {
        eprintln!("{target}: {}", path.display());
        body(data);
    }
}

#[test]
fn decode_responses_on_its_corpus() {
    run("decode_responses", decode_responses, 16);
}

#[test]
fn spec_loader_on_its_corpus() {
    run("spec_loader", spec_loader, 4);
}

/// The seeds are meant to get far: the project's own spec must pass parse, validate and
/// normalize, and the documented success payload must decode, or the fuzzers start from
/// nothing useful.
#[test]
fn the_seeds_reach_the_deep_paths() {
    let spec = inputs("corpus", "spec_loader").into_iter().find(|(p, _)| p.ends_with("image-actions.yaml"));
    let (path, bytes) = spec.expect("the project's spec is a seed");
    let doc = generator::spec::load::parse(&path, &bytes).expect("parses");
    let file = generator::SpecFile { path, bytes, doc };
    let mut doc = generator::prepare(&[file]).expect("validates");
    assert!(!generator::normalize::normalize(&mut doc).open_enums.is_empty());

    let page = inputs("corpus", "decode_responses").into_iter().find(|(p, _)| p.ends_with("action_page"));
    let page = page.expect("a page seed").1;
    let (_, body) = split_selector(&page).expect("a selector and a body");
    let page: digitalocean_sdk::types::ActionPage = serde_json::from_slice(body).unwrap();
    assert_eq!(page.actions.len(), 1);
}

/// A `decode_responses` seed's selector is an index into the sorted table of response types,
/// which shifts when a type is added or removed: the seeds must still pick the type their
/// payload was written for, or the fuzzer starts every type from nothing useful. On a stale
/// seed, rewrite its first two bytes (big-endian) to the type's new index.
#[cfg(feature = "whole-api")]
#[test]
fn the_response_seeds_pick_their_types() {
    use tests::example_codecs::RESPONSE_TYPES;

    let expected = [
        ("account_get_200", "types::AccountGetResponse"),
        ("action_page", "types::ActionPage"),
        ("action_unknown_status", "types::ActionResponse"),
        ("droplet_get_200", "types::DropletsGetResponse"),
        ("error_400_bad_request", "types::Error"),
        ("error_with_request_id", "types::Error"),
        ("free_form_object", "::serde_json::Map<::std::string::String,::serde_json::Value>"),
        ("image_action_post_201", "types::ActionResponse"),
        ("image_get_200", "types::ImageResponse"),
        ("image_list_all_200", "types::ImagePage"),
    ];
    let seeds = inputs("corpus", "decode_responses");
    for (name, ty) in expected {
        let (_, data) = seeds.iter().find(|(p, _)| p.ends_with(name)).unwrap_or_else(|| panic!("no seed {name}"));
        let (selector, _) = split_selector(data).expect("a selector and a body");
        let picked = RESPONSE_TYPES[usize::from(selector) % RESPONSE_TYPES.len()].0;
        let index = RESPONSE_TYPES.iter().position(|(t, _)| *t == ty).expect("a response type");
        assert_eq!(picked, ty, "seed {name}: selector {selector} picks {picked}; {ty} is at index {index} now");
    }
}
