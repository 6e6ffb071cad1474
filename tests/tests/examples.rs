//! Every documented example of the whole API, decoded into the generated type for its place,
//! encoded again and compared with the example.
//!
//! The examples are read from the effective document (the vendored files with the overlays
//! applied, so an overlay that corrects an example counts), at the moment the test runs: a new
//! upstream example is tested as soon as it is vendored. The places are: each response's
//! `example` and each of its `examples`, per status and media type; the same for each request
//! body; and the `example` of each component schema that gives a whole object. The type of each
//! place comes from the generated table `tests::example_codecs` (written by
//! `cargo xtask generate` from the code progenitor made): success statuses decode into what
//! `send` returns, every other status into the operation's error type.
//!
//! What may differ between an example and its encoding, and nothing else (see [`same`]):
//! - a field the example leaves out against one encoded as `null`, `[]` or `{}`, and the other
//!   way round: the generated types skip absent optional values and empty lists when encoding;
//! - a field the example leaves out against one encoded with any value: a decoded value can only
//!   come from the example or, for a field the example leaves out, from the `default` its schema
//!   gives (typify fills defaults in when decoding and encodes them like any value);
//! - two numbers of the same value (`1` against `1.0`): a double field encodes a whole number
//!   with a fraction;
//! - two strings that are the same RFC 3339 instant (`...:00.000Z` against `...:00Z`):
//!   timestamps are decoded into a date-time and encoded in its shortest form.
//!
//! An example in another media type than JSON (a CSV file, a YAML kubeconfig) is handed to the
//! user as bytes, untouched: it round-trips by construction and is counted as such.
//!
//! Run it with `cargo test -p tests --features whole-api --test examples -- --nocapture` to see
//! the figures; it fails when an example that is not in [`EXCLUDED`] fails, and when an
//! excluded one passes (so the list stays true).

#![cfg(feature = "whole-api")]

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use tests::documented::{Example, collect, decode_caught, effective_document};

/// Examples known not to round-trip, each with its reason: (operationId or `components/schemas/KEY`,
/// place, reason).
#[rustfmt::skip]
const EXCLUDED: &[(&str, &str, &str)] = &[];

/// Whether `encoded` is `example` up to what may differ (the module's documentation); on a
/// difference, where it is and what each side holds.
fn same(example: &Value, encoded: &Value, path: &str) -> Result<(), String> {
    let empty = |v: Option<&Value>| match v {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
        _ => false,
    };
    match (example, encoded) {
        (Value::Object(a), Value::Object(b)) => {
            for k in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
                let (x, y) = (a.get(k), b.get(k));
                match (x, y) {
                    (Some(x), Some(y)) => same(x, y, &format!("{path}.{k}"))?,
                    _ if empty(x) && empty(y) => {}
                    (Some(_), None) => return Err(format!("at `{path}.{k}`: dropped when encoded (not in the type)")),
                    // The schema's default, filled in.
                    (None, _) => {}
                }
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().try_for_each(|(i, (x, y))| same(x, y, &format!("{path}[{i}]")))
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => Ok(()),
        (Value::String(a), Value::String(b))
            if a == b
                || chrono::DateTime::parse_from_rfc3339(a)
                    .ok()
                    .zip(chrono::DateTime::parse_from_rfc3339(b).ok())
                    .is_some_and(|(x, y)| x == y) =>
        {
            Ok(())
        }
        (a, b) if a == b => Ok(()),
        (a, b) => Err(format!("at `{path}`: example {}, encoded {}", short(a), short(b))),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 { format!("{}...", s.chars().take(60).collect::<String>()) } else { s }
}

/// The outcome of one example: `Ok` when it round-trips, else the reason.
fn round_trip(ex: &Example) -> Result<(), String> {
    if ex.raw {
        return Ok(());
    }
    match &ex.codec {
        Err(why) => Err(why.clone()),
        Ok(None) => Err("the SDK has no JSON type here (no body, or bytes)".into()),
        Ok(Some(codec)) => {
            let encoded = decode_caught(*codec, &ex.value)?;
            same(&ex.value, &encoded, "").map_err(|e| format!("round trip: {e}"))
        }
    }
}

#[test]
fn every_documented_example_round_trips() {
    let doc = effective_document();
    let examples = collect(&doc);
    let n = examples.len();
    assert!(n > 1000, "only {n} examples found: is the spec read whole?");
    let excluded: HashMap<(&str, &str), &str> = EXCLUDED.iter().map(|(s, p, why)| ((*s, *p), *why)).collect();
    let mut passed = 0;
    // By tag: the example, its error, and the reason it is excluded (if it is).
    type Failure<'a> = (&'a Example, String, Option<&'a str>);
    let mut failures: BTreeMap<&str, Vec<Failure>> = BTreeMap::new();
    let mut stale = Vec::new();
    for ex in &examples {
        let why = excluded.get(&(ex.subject.as_str(), ex.place.as_str())).copied();
        match round_trip(ex) {
            Ok(()) => {
                passed += 1;
                if why.is_some() {
                    stale.push(format!("{} {}", ex.subject, ex.place));
                }
            }
            Err(e) => failures.entry(ex.tag.as_str()).or_default().push((ex, e, why)),
        }
    }
    let e = failures.values().flatten().filter(|f| f.2.is_some()).count();
    if e == 0 {
        println!("examples round-tripped: {passed}/{n}");
    } else {
        println!("examples round-tripped: {passed}/{n}, {e} excluded");
    }
    let mut unexpected = 0;
    for (tag, list) in &failures {
        println!("\n{tag} ({} failing)", list.len());
        for (ex, err, why) in list {
            let mark = if why.is_some() { "excluded" } else { "FAILS" };
            println!("  {mark:8} | {} | {} | {err}", ex.subject, ex.place);
            if let Some(why) = why {
                println!("           why excluded: {why}");
            } else {
                unexpected += 1;
            }
        }
    }
    let unknown: Vec<_> = EXCLUDED
        .iter()
        .filter(|(s, p, _)| !examples.iter().any(|ex| ex.subject == *s && ex.place == *p))
        .map(|(s, p, _)| format!("{s} {p}"))
        .collect();
    assert!(unknown.is_empty(), "exclusions that name no documented example: {unknown:?}");
    assert!(stale.is_empty(), "excluded examples that now round-trip (remove them from EXCLUDED): {stale:?}");
    assert_eq!(unexpected, 0, "{unexpected} example(s) failed that are not excluded (table above)");
}

#[test]
fn a_changed_type_is_caught() {
    // The comparison itself: what may differ does not fail, anything else does.
    let ok = |a: Value, b: Value| same(&a, &b, "").is_ok();
    use serde_json::json;
    assert!(ok(json!({"a": 1, "b": null}), json!({"a": 1.0})));
    assert!(ok(json!({"t": "2020-01-01T00:00:00.000Z"}), json!({"t": "2020-01-01T00:00:00Z", "l": []})));
    assert!(ok(json!({"a": 1}), json!({"a": 1, "d": 60})), "a default filled in");
    assert!(!ok(json!({"a": 1, "x": 2}), json!({"a": 1})), "a dropped field fails");
    assert!(!ok(json!({"a": "1"}), json!({"a": 1})), "a changed type fails");
    assert!(!ok(json!([1, 2]), json!([1])), "a shorter list fails");
}
