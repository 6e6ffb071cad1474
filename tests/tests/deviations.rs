//! Every documented response example of the whole API, mutated the ways real servers deviate
//! from their spec, and each mutant decoded into the generated type of its place.
//!
//! The examples and their codecs are the ones the examples test round-trips
//! (`tests::documented`); only response bodies are mutated, success and error statuses alike,
//! since a response is what the SDK must read whatever the server sends. The schemas are read
//! from the effective document as published (before the generator's normalization passes), so
//! the enums, formats and bounds are the ones upstream states. Each mutant is one change to one
//! example, of one of the classes of [`Class`]. The schema walk follows local `$ref`s, merges
//! `allOf` parts, takes from `oneOf`/`anyOf` only the alternatives that declare a property (and
//! only when they agree on its schema), and makes a mutant only where the schema of the position
//! is clear: a position under a free-form or ambiguous schema gets none.
//!
//! Run it with `cargo test -p tests --features whole-api --test deviations -- --nocapture` to
//! see the figures (`deviations decoded: P/N`, per class) and the failures, grouped by class.
//! It fails when any mutant does not decode, and when an unknown enum value does not come back
//! unchanged at its place in the encoded value: an open enum that forgets what it read would
//! make a client that stores and sends back what the API gave it corrupt the value.

#![cfg(feature = "whole-api")]

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{Number, Value, json};
use tests::documented::{collect, decode_caught, effective_document, resolve};
use tests::examples::Codec;

/// The unknown value every string enum is given.
const FUTURE_VALUE: &str = "value-from-the-future";
/// The unknown field every object is given.
const FUTURE_FIELD: &str = "field_from_the_future";
/// Fewer mutants than this means the walk found far less than the spec documents.
const FLOOR: usize = 10_000;
/// How many causes of failure are listed, and how many places of each; the rest are counted.
const LISTED_CAUSES: usize = 20;
const LISTED_PER_CAUSE: usize = 4;

/// A way a server deviates from its spec: one class of mutant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    /// A string enum holds a value the spec does not list (a value added since).
    UnknownEnum,
    /// An optional property, or any list or map, is `null` rather than absent or empty.
    Null,
    /// A string breaks its `format`, `pattern`, `minLength` or `maxLength`.
    BrokenString,
    /// A number lies past its `minimum`, `maximum` or exclusive bound.
    PastBound,
    /// A list has one item fewer or one more, whatever `minItems`/`maxItems` say.
    ArrayLength,
    /// An object carries a field the spec does not list (a field added since).
    UnknownField,
}

impl Class {
    const ALL: [Class; 6] = [
        Class::UnknownEnum,
        Class::Null,
        Class::BrokenString,
        Class::PastBound,
        Class::ArrayLength,
        Class::UnknownField,
    ];

    fn name(self) -> &'static str {
        match self {
            Class::UnknownEnum => "unknown enum value",
            Class::Null => "null property",
            Class::BrokenString => "string breaking its constraint",
            Class::PastBound => "number past its bound",
            Class::ArrayLength => "list one shorter/longer",
            Class::UnknownField => "unknown field",
        }
    }
}

/// What a mutant does to the value at its path.
#[derive(Debug)]
enum Change {
    /// Puts this value there (swapped in, and swapped out again to undo).
    Replace(Value),
    /// Removes a list's last item.
    DropLast,
    /// Repeats a list's last item.
    RepeatLast,
    /// Adds [`FUTURE_FIELD`] to an object.
    AddField,
}

/// One change to one example.
#[derive(Debug)]
struct Mutant {
    class: Class,
    /// A JSON pointer to the changed value (RFC 6901).
    path: String,
    change: Change,
}

/// What was saved to undo a change.
enum Undo {
    Swap,
    Push(Value),
    Pop,
    RemoveField,
}

/// Makes `m`'s change in `root`, returning what undoes it. The examples are mutated in place
/// and restored, rather than cloned per mutant, to keep the suite fast in a debug build.
fn apply(root: &mut Value, m: &mut Mutant) -> Undo {
    let target = root.pointer_mut(&m.path).expect("a mutant's path is in its example");
    match (&mut m.change, target) {
        (Change::Replace(v), target) => {
            std::mem::swap(target, v);
            Undo::Swap
        }
        (Change::DropLast, Value::Array(a)) => Undo::Push(a.pop().expect("only non-empty lists are shortened")),
        (Change::RepeatLast, Value::Array(a)) => {
            a.push(a.last().expect("only non-empty lists are lengthened").clone());
            Undo::Pop
        }
        (Change::AddField, Value::Object(o)) => {
            o.insert(FUTURE_FIELD.into(), json!(1));
            Undo::RemoveField
        }
        (change, target) => panic!("{change:?} cannot apply to {target}"),
    }
}

/// Restores what [`apply`] changed.
fn undo(root: &mut Value, m: &mut Mutant, undo: Undo) {
    let target = root.pointer_mut(&m.path).expect("a mutant's path is in its example");
    match (undo, &mut m.change, target) {
        (Undo::Swap, Change::Replace(v), target) => std::mem::swap(target, v),
        (Undo::Push(item), _, Value::Array(a)) => a.push(item),
        (Undo::Pop, _, Value::Array(a)) => drop(a.pop()),
        // The added field is the last one, so removing it leaves the others' order as it was.
        (Undo::RemoveField, _, Value::Object(o)) => drop(o.remove(FUTURE_FIELD)),
        _ => unreachable!("an undo matches its change"),
    }
}

/// The schemas that all apply at a position: the schema itself and its `allOf` parts (through
/// `$ref`s, recursively), and the alternative of a `oneOf`/`anyOf` that has only one besides a
/// `null` one, since that one is no choice.
fn parts<'a>(doc: &'a Value, schema: &'a Value, out: &mut Vec<&'a Value>) {
    let schema = resolve(doc, schema);
    out.push(schema);
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        parts(doc, part, out);
    }
    if let [only] = choices(doc, schema)[..] {
        parts(doc, only, out);
    }
}

/// A schema's `oneOf` and `anyOf` alternatives, resolved, without the `null` ones.
fn choices<'a>(doc: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    let listed = ["oneOf", "anyOf"].into_iter().filter_map(|k| schema.get(k).and_then(Value::as_array));
    listed.flatten().map(|alt| resolve(doc, alt)).filter(|alt| alt.get("type") != Some(&json!("null"))).collect()
}

/// The alternatives at a position that leave it open which applies (more than one).
fn alternatives<'a>(doc: &'a Value, parts: &[&'a Value]) -> Vec<&'a Value> {
    parts.iter().map(|p| choices(doc, p)).filter(|c| c.len() > 1).flatten().collect()
}

/// The first value of `keyword` among the parts.
fn keyword<'a>(parts: &[&'a Value], keyword: &str) -> Option<&'a Value> {
    parts.iter().find_map(|p| p.get(keyword))
}

/// A property as the schema of its object declares it.
#[derive(Clone, Copy)]
struct Property<'a> {
    schema: &'a Value,
    /// Listed as `required` by a part, or by an alternative that declares it: where that is
    /// unsure, the property counts as required, so that no mutant rests on a guess.
    required: bool,
}

/// How the schema at an object's position declares `name`: `Ok(None)` when it does not,
/// `Err(())` when alternatives declare it differently (no mutant there).
fn property<'a>(doc: &'a Value, schema: &'a Value, name: &str) -> Result<Option<Property<'a>>, ()> {
    let mut ps = Vec::new();
    parts(doc, schema, &mut ps);
    let required = ps.iter().any(|p| {
        p.get("required").and_then(Value::as_array).is_some_and(|r| r.iter().any(|n| n.as_str() == Some(name)))
    });
    if let Some(s) = ps.iter().find_map(|p| p.get("properties")?.get(name)) {
        return Ok(Some(Property { schema: resolve(doc, s), required }));
    }
    let mut found: Option<Property> = None;
    for alt in alternatives(doc, &ps) {
        let Some(p) = property(doc, alt, name)? else { continue };
        match &mut found {
            None => found = Some(Property { required: p.required || required, ..p }),
            Some(f) if std::ptr::eq(f.schema, p.schema) || f.schema == p.schema => f.required |= p.required,
            Some(_) => return Err(()),
        }
    }
    Ok(found)
}

/// Whether any part or alternative at the position declares properties: a struct, not a map
/// or a free-form object.
fn declares_properties(doc: &Value, here: &[&Value]) -> bool {
    let declares = |p: &Value| p.get("properties").and_then(Value::as_object).is_some_and(|o| !o.is_empty());
    here.iter().any(|p| declares(p))
        || alternatives(doc, here).into_iter().any(|alt| {
            let mut ps = Vec::new();
            parts(doc, alt, &mut ps);
            ps.iter().any(|p| declares(p))
        })
}

/// The schema of a map's values (`additionalProperties` and no properties), `Some(None)` for a
/// map of anything; `None` when the position is not a map.
fn map_values<'a>(doc: &'a Value, parts: &[&'a Value]) -> Option<Option<&'a Value>> {
    if parts.iter().any(|p| p.get("properties").and_then(Value::as_object).is_some_and(|o| !o.is_empty())) {
        return None;
    }
    match keyword(parts, "additionalProperties")? {
        Value::Bool(true) => Some(None),
        s @ Value::Object(_) => Some(Some(resolve(doc, s))),
        _ => None,
    }
}

/// Whether the schema makes the position a list or a map: `null` is what servers send for an
/// empty one of either, whatever `required` says.
fn is_collection(doc: &Value, schema: &Value) -> bool {
    let mut ps = Vec::new();
    parts(doc, schema, &mut ps);
    keyword(&ps, "type") == Some(&json!("array")) || keyword(&ps, "items").is_some() || map_values(doc, &ps).is_some()
}

/// A string that breaks a known string `format`; `None` for a format that constrains nothing
/// a string could break (`password`) or that names a number's width.
fn breaking_format(format: &str) -> Option<&'static str> {
    Some(match format {
        "uuid" => "not-a-uuid",
        "date-time" | "date" | "time" => "yesterday",
        "ipv4" | "ipv6" | "ip" => "not-an-ip",
        "cidr" => "not-a-cidr",
        "email" => "not-an-email",
        "uri" | "url" | "uri-reference" => "not a uri",
        "hostname" => "not a hostname!",
        "byte" => "not base64!",
        _ => return None,
    })
}

/// The number just past a bound: below `minimum` (or at an exclusive one), above `maximum`.
/// Integers stay integers; `None` when the result has no JSON number (out of range).
fn past(bound: f64, below: bool, exclusive: bool, integer: bool) -> Option<Value> {
    let v = match (integer, below, exclusive) {
        (true, true, false) => bound.ceil() - 1.0,
        (true, true, true) => bound.floor(),
        (true, false, false) => bound.floor() + 1.0,
        (true, false, true) => bound.ceil(),
        (false, true, false) => bound - 1.0,
        (false, false, false) => bound + 1.0,
        (false, _, true) => bound,
    };
    if integer {
        // i64's range, with a margin: an f64 near its end is not exact.
        (v.abs() < 9.0e18).then(|| Value::from(v as i64))
    } else {
        Number::from_f64(v).map(Value::Number)
    }
}

/// Finds the mutants of one example, walking it beside its schema.
struct Walk<'a> {
    doc: &'a Value,
    out: Vec<Mutant>,
}

impl<'a> Walk<'a> {
    fn push(&mut self, class: Class, path: &str, change: Change) {
        self.out.push(Mutant { class, path: path.to_owned(), change });
    }

    /// The mutants of `value`, at `path` under `schema`, and of everything inside it.
    fn value(&mut self, value: &Value, schema: &'a Value, path: &mut String) {
        let mut ps = Vec::new();
        parts(self.doc, schema, &mut ps);
        match value {
            Value::Object(o) => self.object(o, schema, &ps, path),
            Value::Array(items) => self.array(items, &ps, path),
            Value::String(_) => self.string(&ps, path),
            Value::Number(n) => self.number(n, &ps, path),
            Value::Bool(_) | Value::Null => {}
        }
    }

    fn object(&mut self, o: &serde_json::Map<String, Value>, schema: &'a Value, ps: &[&'a Value], path: &mut String) {
        let map = map_values(self.doc, ps);
        if map.is_none() && declares_properties(self.doc, ps) {
            self.push(Class::UnknownField, path, Change::AddField);
        }
        for (key, child) in o {
            let len = path.len();
            path.push('/');
            path.push_str(&key.replace('~', "~0").replace('/', "~1"));
            match map {
                Some(Some(values)) => self.value(child, values, path),
                Some(None) => {}
                None => {
                    if let Ok(Some(p)) = property(self.doc, schema, key) {
                        if !child.is_null() && (!p.required || is_collection(self.doc, p.schema)) {
                            self.push(Class::Null, path, Change::Replace(Value::Null));
                        }
                        self.value(child, p.schema, path);
                    }
                }
            }
            path.truncate(len);
        }
    }

    fn array(&mut self, items: &[Value], ps: &[&'a Value], path: &mut String) {
        let Some(item) = keyword(ps, "items") else { return };
        if !items.is_empty() {
            self.push(Class::ArrayLength, path, Change::DropLast);
            self.push(Class::ArrayLength, path, Change::RepeatLast);
        }
        for (i, child) in items.iter().enumerate() {
            let len = path.len();
            path.push_str(&format!("/{i}"));
            self.value(child, item, path);
            path.truncate(len);
        }
    }

    fn string(&mut self, ps: &[&'a Value], path: &str) {
        // A string where the schema states another type is not clearly at a string's place.
        if keyword(ps, "type").is_some_and(|t| t != "string") {
            return;
        }
        let strings = |e: &Value| e.as_array().is_some_and(|e| e.iter().all(|v| v.is_string() || v.is_null()));
        if keyword(ps, "enum").is_some_and(strings) {
            self.push(Class::UnknownEnum, path, Change::Replace(json!(FUTURE_VALUE)));
        }
        let broken = |s: &str| Change::Replace(json!(s));
        if let Some(s) = keyword(ps, "format").and_then(Value::as_str).and_then(breaking_format) {
            self.push(Class::BrokenString, path, broken(s));
        }
        if keyword(ps, "pattern").is_some() {
            self.push(Class::BrokenString, path, broken("\u{1}!"));
        }
        if keyword(ps, "minLength").and_then(Value::as_u64).is_some_and(|n| n > 0) {
            self.push(Class::BrokenString, path, broken(""));
        }
        if let Some(max) = keyword(ps, "maxLength").and_then(Value::as_u64) {
            self.push(Class::BrokenString, path, broken(&"x".repeat(max as usize + 1)));
        }
    }

    fn number(&mut self, n: &Number, ps: &[&'a Value], path: &str) {
        let integer = match keyword(ps, "type").and_then(Value::as_str) {
            Some("integer") => true,
            Some("number") => false,
            None => !n.is_f64(),
            Some(_) => return,
        };
        let flag = |k: &str| keyword(ps, k).and_then(Value::as_bool).unwrap_or(false);
        let bound = |k: &str| keyword(ps, k).and_then(Value::as_f64);
        // OpenAPI 3.0 writes an exclusive bound as a flag beside `minimum`, 3.1 as a number.
        let bounds = [
            (bound("minimum"), true, flag("exclusiveMinimum")),
            (bound("maximum"), false, flag("exclusiveMaximum")),
            (bound("exclusiveMinimum"), true, true),
            (bound("exclusiveMaximum"), false, true),
        ];
        for (b, below, exclusive) in bounds {
            if let Some(v) = b.and_then(|b| past(b, below, exclusive, integer)) {
                self.push(Class::PastBound, path, Change::Replace(v));
            }
        }
    }
}

/// Every mutant of `example`, a value of `schema`.
fn mutants(doc: &Value, schema: &Value, example: &Value) -> Vec<Mutant> {
    let mut walk = Walk { doc, out: Vec::new() };
    walk.value(example, schema, &mut String::new());
    walk.out
}

/// A mutant that did not decode, or whose unknown enum value was lost.
struct Failure {
    class: Class,
    subject: String,
    place: String,
    path: String,
    error: String,
}

/// The figures of a run: per class, mutants decoded and made; the failures.
#[derive(Default)]
struct Tally {
    per_class: BTreeMap<Class, (usize, usize)>,
    enums_kept: usize,
    failures: Vec<Failure>,
}

impl Tally {
    fn decoded(&self) -> usize {
        self.per_class.values().map(|c| c.0).sum()
    }

    fn total(&self) -> usize {
        self.per_class.values().map(|c| c.1).sum()
    }

    fn enums(&self) -> usize {
        self.per_class.get(&Class::UnknownEnum).map_or(0, |c| c.1)
    }
}

/// Why an unknown enum value did not come back, if it did not.
fn enum_lost(encoded: &Value, path: &str) -> Option<String> {
    match encoded.pointer(path) {
        Some(Value::String(s)) if s == FUTURE_VALUE => None,
        Some(other) => Some(format!("unknown enum value not kept: encoded as {other}")),
        None => Some("unknown enum value not kept: absent when encoded".into()),
    }
}

/// Decodes every mutant of one example with `codec`, counting each in `tally`.
fn try_mutants(doc: &Value, schema: &Value, example: &Value, codec: Codec, at: (&str, &str), tally: &mut Tally) {
    let mut ms = mutants(doc, schema, example);
    if ms.is_empty() {
        return;
    }
    let mut value = example.clone();
    for m in &mut ms {
        let saved = apply(&mut value, m);
        let outcome = decode_caught(codec, &value);
        undo(&mut value, m, saved);
        let counts = tally.per_class.entry(m.class).or_default();
        counts.1 += 1;
        let error = match outcome {
            Err(e) => Some(e),
            Ok(encoded) => {
                counts.0 += 1;
                let lost = (m.class == Class::UnknownEnum).then(|| enum_lost(&encoded, &m.path)).flatten();
                tally.enums_kept += usize::from(m.class == Class::UnknownEnum && lost.is_none());
                lost
            }
        };
        if let Some(error) = error {
            let (subject, place) = (at.0.to_owned(), at.1.to_owned());
            tally.failures.push(Failure { class: m.class, subject, place, path: m.path.clone(), error });
        }
    }
}

/// An error without where it happened, so that one cause met at many places is listed once.
fn cause(error: &str) -> &str {
    let error = error.strip_prefix("decode: ").unwrap_or(error);
    match error.strip_prefix("at `").and_then(|rest| rest.split_once("`: ")) {
        Some((_, cause)) => cause,
        None => error,
    }
}

/// Prints the figures, then the failures grouped by class and cause, each cause with its count
/// and at most [`LISTED_PER_CAUSE`] of its places.
fn report(tally: &Tally) {
    println!("deviations decoded: {}/{}", tally.decoded(), tally.total());
    for class in Class::ALL {
        let (p, n) = tally.per_class.get(&class).copied().unwrap_or_default();
        println!("  {:32} {p}/{n}", class.name());
    }
    println!("  unknown enum values kept: {}/{}", tally.enums_kept, tally.enums());
    let mut groups: BTreeMap<(Class, &str), Vec<&Failure>> = BTreeMap::new();
    for f in &tally.failures {
        groups.entry((f.class, cause(&f.error))).or_default().push(f);
    }
    for (i, ((class, cause), failing)) in groups.iter().enumerate() {
        if i == LISTED_CAUSES {
            println!(
                "
... and {} more causes",
                groups.len() - LISTED_CAUSES
            );
            break;
        }
        println!(
            "
{} | {} failing | {cause}",
            class.name(),
            failing.len()
        );
        for f in failing.iter().take(LISTED_PER_CAUSE) {
            println!("  {} | {} | {}", f.subject, f.place, f.path);
        }
        if failing.len() > LISTED_PER_CAUSE {
            println!("  ... and {} more", failing.len() - LISTED_PER_CAUSE);
        }
    }
}

#[test]
fn every_response_example_decodes_when_the_server_deviates() {
    let started = Instant::now();
    let doc = effective_document();
    let mut tally = Tally::default();
    for ex in collect(&doc).iter().filter(|ex| ex.is_response() && !ex.raw) {
        let (Ok(Some(codec)), Some(schema)) = (&ex.codec, &ex.schema) else { continue };
        try_mutants(&doc, schema, &ex.value, *codec, (&ex.subject, &ex.place), &mut tally);
    }
    report(&tally);
    println!("\n(in {:.1} s)", started.elapsed().as_secs_f64());
    let (p, n) = (tally.decoded(), tally.total());
    assert!(n >= FLOOR, "only {n} mutants made: is the spec read whole, are the schemas walked?");
    for class in Class::ALL {
        assert!(tally.per_class.get(&class).is_some_and(|c| c.1 > 0), "no mutant of class `{}`", class.name());
    }
    assert_eq!(p, n, "{} mutant(s) did not decode (listed above)", n - p);
    assert_eq!(tally.enums_kept, tally.enums(), "unknown enum values were lost when encoded (listed above)");
}

/// The engine on a hand-written schema and two types: a strict one, as the generated types
/// were before they were made tolerant, which every class of mutant must break (else the
/// suite could pass against such types), and `Value`, which takes anything and keeps it (else
/// the engine would make mutants that are not what the schema allows a tolerant reader).
mod engine {
    use serde::{Deserialize, Serialize};

    use super::*;

    /// A uuid as typify wrote it before: text that is not a uuid is refused.
    #[derive(Serialize)]
    struct Uuid(String);

    impl<'de> Deserialize<'de> for Uuid {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let s = String::deserialize(d)?;
            let shape = s.len() == 36 && s.chars().all(|c| c == '-' || c.is_ascii_hexdigit());
            if shape { Ok(Uuid(s)) } else { Err(serde::de::Error::custom(format!("not a uuid: {s}"))) }
        }
    }

    /// A bounded integer, enforced (`minimum: 1`, `maximum: 100`).
    #[derive(Serialize, Deserialize)]
    #[serde(try_from = "i64")]
    struct Percent(i64);

    impl TryFrom<i64> for Percent {
        type Error = String;
        fn try_from(v: i64) -> Result<Self, String> {
            if (1..=100).contains(&v) { Ok(Percent(v)) } else { Err(format!("{v} out of 1..=100")) }
        }
    }

    /// A closed enum.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Status {
        Active,
        Off,
    }

    /// A strict struct: unknown fields refused, lists and optional fields not `Option`.
    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Strict {
        id: Uuid,
        status: Status,
        name: String,
        load: Percent,
        pair: [u32; 2],
        tags: Vec<String>,
    }

    /// The schema of [`Strict`], through a `$ref` and an `allOf`, as the spec writes such things.
    fn doc() -> Value {
        json!({"components": {"schemas": {
            "base": {"type": "object", "required": ["id", "status"], "properties": {
                "id": {"type": "string", "format": "uuid"},
                "status": {"type": "string", "enum": ["active", "off"]},
            }},
            "server": {"allOf": [{"$ref": "#/components/schemas/base"}, {"type": "object", "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 8, "pattern": "^[a-z]+$"},
                "load": {"type": "integer", "minimum": 1, "maximum": 100},
                "pair": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
                "tags": {"type": "array", "items": {"type": "string"}},
            }}]},
        }}})
    }

    fn example() -> Value {
        json!({"id": "5ba4518b-b9e2-4978-aa92-2d4c727e8824", "status": "active", "name": "web",
               "load": 50, "pair": [1, 2], "tags": ["a"]})
    }

    fn run(codec: Codec) -> Tally {
        let doc = doc();
        let mut tally = Tally::default();
        try_mutants(
            &doc,
            &json!({"$ref": "#/components/schemas/server"}),
            &example(),
            codec,
            ("strict", "x"),
            &mut tally,
        );
        tally
    }

    #[test]
    fn a_strict_type_fails_every_class() {
        let tally = run(tests::examples::codec::<Strict>);
        assert!(tally.total() > 0 && tally.decoded() < tally.total(), "the strict type decoded every mutant");
        for class in Class::ALL {
            let failing = tally.failures.iter().filter(|f| f.class == class).count();
            assert!(failing > 0, "no `{}` mutant fails the strict type", class.name());
        }
    }

    #[test]
    fn a_type_that_takes_anything_passes_every_mutant() {
        let tally = run(tests::examples::codec::<Value>);
        let errors: Vec<_> = tally.failures.iter().map(|f| format!("{} {}", f.path, f.error)).collect();
        assert!(errors.is_empty(), "{errors:?}");
        // id: format; status: enum; name: null, format-free pattern/min/max; load: null, two
        // bounds; pair and tags: null, shorter, longer; the object: an unknown field.
        assert_eq!(tally.total(), 1 + 1 + 4 + 3 + 3 + 3 + 1, "{:?}", tally.per_class);
        assert_eq!(tally.enums_kept, 1);
    }
}
