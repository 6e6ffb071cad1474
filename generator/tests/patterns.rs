//! Every `pattern` of the vendored spec and its overlays, translated for regex-lite, accepts
//! and refuses what regress (typify's ECMA-262 engine, which the generated code used before)
//! does, on the spec's own example strings and on strings made of the pattern's characters.

use std::collections::BTreeSet;
use std::path::Path;

use generator::output::patterns_on_regex_lite::translate;
use serde_json::Value;

fn strings(v: &Value, key: Option<&str>, patterns: &mut BTreeSet<String>, examples: &mut BTreeSet<String>) {
    match v {
        Value::String(s) if key == Some("pattern") => {
            patterns.insert(s.clone());
        }
        Value::String(s) => {
            examples.insert(s.clone());
        }
        Value::Object(m) => m.iter().for_each(|(k, child)| strings(child, Some(k), patterns, examples)),
        Value::Array(items) => items.iter().for_each(|child| strings(child, None, patterns, examples)),
        _ => {}
    }
}

fn spec_strings() -> (BTreeSet<String>, BTreeSet<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi");
    let (mut patterns, mut examples) = (BTreeSet::new(), BTreeSet::new());
    for dir in ["vendored", "overlays"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                let doc: Value = serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                strings(&doc, None, &mut patterns, &mut examples);
            }
        }
    }
    (patterns, examples)
}

/// Strings of up to 12 characters drawn from `alphabet`, from a fixed seed.
fn drawn(alphabet: &[char], n: usize) -> Vec<String> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..n)
        .map(|_| {
            let len = (next() % 13) as usize;
            (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect()
        })
        .collect()
}

#[test]
fn every_pattern_matches_alike_in_regex_lite_and_regress() {
    let (patterns, examples) = spec_strings();
    assert!(patterns.len() >= 20, "the vendored spec has {} patterns", patterns.len());
    let mut checked = 0;
    for pattern in &patterns {
        let lite = regex_lite::Regex::new(&translate(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"))).unwrap();
        let ecma = regress::Regex::new(pattern).unwrap();
        // The pattern's own characters, and those where the two engines' defaults differ.
        let mut alphabet: Vec<char> = pattern.chars().filter(|c| !"\\^$".contains(*c)).collect();
        alphabet.extend(['a', 'Z', '0', '9', '-', '.', '_', ' ', '\n', '\r', '\u{2028}', '\u{a0}', 'é', '[', '&']);
        alphabet.sort_unstable();
        alphabet.dedup();
        let (mut matched, mut refused) = (0, 0);
        for probe in examples.iter().filter(|e| e.len() <= 100).cloned().chain(drawn(&alphabet, 1000)) {
            let (a, b) = (ecma.find(&probe).is_some(), lite.find(&probe).is_some());
            assert_eq!(a, b, "pattern {pattern:?} on {probe:?}: regress {a}, regex-lite {b}");
            if a {
                matched += 1
            } else {
                refused += 1
            }
            checked += 1;
        }
        println!("{pattern:?}: {matched} matched, {refused} refused alike");
    }
    println!("patterns: {} checked against regress on {checked} strings", patterns.len());
}
