//! Properties of the response decoders, checked on generated input (proptest, 256 cases each so
//! the gate stays fast): arbitrary JSON and mutated documented payloads never panic a decoder,
//! and valid values round-trip through encode and decode. The decoder property is the body of
//! the `decode_responses` fuzz target, so both exercise the same code.

use chrono::DateTime;
use digitalocean_sdk::types::{
    Action, ActionPage, ActionResponse, ImageAction, PageLinks, PageLinksPages, PageMeta, Region,
};
use digitalocean_sdk::{ActionId, ActionStatus, RegionSlug, Timestamp};
use proptest::prelude::*;
use serde_json::{Map, Value};
use tests::fixture;
use tests::fuzz_targets::decode_responses;

/// The documented payloads the mutations start from.
const FIXTURES: &[&str] = &[
    "image_action_post_201.json",
    "error_401_unauthorized.json",
    "error_404_not_found.json",
    "error_429_too_many_requests.json",
    "error_500_server_error.json",
    "error_default_unexpected.json",
    "request_convert.json",
    "request_transfer.json",
];

/// Keys and strings the decoders look for, so that generated JSON often gets past the first
/// field and into the interesting paths.
const WORDS: &[&str] = &[
    "action",
    "actions",
    "id",
    "status",
    "type",
    "started_at",
    "completed_at",
    "resource_id",
    "resource_type",
    "region",
    "region_slug",
    "name",
    "slug",
    "sizes",
    "features",
    "available",
    "links",
    "pages",
    "first",
    "last",
    "next",
    "prev",
    "meta",
    "total",
    "message",
    "request_id",
    "convert",
    "transfer",
    "nyc3",
    "in-progress",
    "completed",
    "errored",
    "image",
    "2014-11-14T16:42:45Z",
    "2024-02-29T23:59:60.5+01:00",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![3 => proptest::sample::select(WORDS).prop_map(str::to_owned), 1 => ".{0,12}"]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("JSON numbers are finite", |f| serde_json::Number::from_f64(f).map(Value::Number)),
        word().prop_map(Value::String),
    ]
}

/// Any JSON value, nested up to 5 levels.
fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 96, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::vec((word(), inner), 0..8)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Each field of an action: usually a valid value, sometimes any JSON, sometimes absent; so
/// that a good share decodes (and goes through the round trip) and the rest fails field by
/// field, deep inside the decoder.
fn action_shaped() -> impl Strategy<Value = Value> {
    fn field(valid: impl Strategy<Value = Value> + 'static) -> impl Strategy<Value = Option<Value>> {
        prop_oneof![12 => valid.prop_map(Some), 1 => json().prop_map(Some), 1 => Just(None)]
    }
    let date = || timestamp().prop_map(|t| Value::String(t.to_string()));
    let text = || word().prop_map(Value::String);
    let fields = (
        (field(any::<u64>().prop_map(Value::from)), field(status().prop_map(|s| Value::String(s.to_string())))),
        (field(text()), field(date()), field(prop_oneof![Just(Value::Null), date()])),
        (field(prop_oneof![Just(Value::Null), any::<i64>().prop_map(Value::from)]), field(text())),
        (field(prop_oneof![Just(Value::Null), text()]), field(region().prop_map(|r| serde_json::to_value(r).unwrap()))),
    );
    fields.prop_map(|((id, status), (type_, started, completed), (resource_id, resource_type), (slug, region))| {
        let named = [
            ("id", id),
            ("status", status),
            ("type", type_),
            ("started_at", started),
            ("completed_at", completed),
            ("resource_id", resource_id),
            ("resource_type", resource_type),
            ("region_slug", slug),
            ("region", region),
        ];
        Value::Object(named.into_iter().filter_map(|(k, v)| Some((k.to_owned(), v?))).collect())
    })
}

/// One change to a document, applied at the node numbered `at` (in a depth-first walk).
#[derive(Clone, Debug)]
enum Mutation {
    DropKey { at: usize, key: usize },
    Replace { at: usize, with: Value },
    InsertJunk { at: usize, key: String, value: Value },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<usize>()).prop_map(|(at, key)| Mutation::DropKey { at, key }),
        (any::<usize>(), leaf()).prop_map(|(at, with)| Mutation::Replace { at, with }),
        (any::<usize>(), word(), json()).prop_map(|(at, key, value)| Mutation::InsertJunk { at, key, value }),
    ]
}

/// The JSON pointer of every node of `v`, depth first.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Array(items) => items.iter().enumerate().for_each(|(i, c)| pointers(c, format!("{at}/{i}"), out)),
        Value::Object(map) => {
            map.iter().for_each(|(k, c)| pointers(c, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out))
        }
        _ => {}
    }
    out.push(at);
}

fn apply(doc: &mut Value, m: &Mutation) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    let (Mutation::DropKey { at, .. } | Mutation::Replace { at, .. } | Mutation::InsertJunk { at, .. }) = m;
    let Some(node) = doc.pointer_mut(&all[at % all.len()]) else { return };
    match (m, node) {
        (Mutation::DropKey { key, .. }, Value::Object(map)) if !map.is_empty() => {
            let name = map.keys().nth(key % map.len()).cloned().unwrap_or_default();
            map.remove(&name);
        }
        (Mutation::Replace { with, .. }, node) => *node = with.clone(),
        (Mutation::InsertJunk { key, value, .. }, Value::Object(map)) => {
            map.insert(key.clone(), value.clone());
        }
        _ => {}
    }
}

fn timestamp() -> impl Strategy<Value = Timestamp> {
    prop_oneof![
        // Years 1 to 9999: what RFC 3339 can write.
        (-62_135_596_800i64..=253_402_300_799, 0u32..1_000_000_000)
            .prop_map(|(secs, nanos)| Timestamp::from(DateTime::from_timestamp(secs, nanos).expect("in range"))),
        // Whatever else the API may send is kept as text.
        ".{0,24}".prop_map(|text| Timestamp::from_text(&text)),
    ]
}

fn status() -> impl Strategy<Value = ActionStatus> {
    prop_oneof![
        proptest::sample::select(&["in-progress", "completed", "errored"][..]).prop_map(ActionStatus::from),
        ".{0,12}".prop_map(ActionStatus::from),
    ]
}

fn region() -> impl Strategy<Value = Region> {
    (any::<bool>(), proptest::collection::vec(word(), 0..4), word(), proptest::collection::vec(word(), 0..4), word())
        .prop_map(|(available, features, name, sizes, slug)| Region { available, features, name, sizes, slug })
}

fn action() -> impl Strategy<Value = Action> {
    (
        (proptest::option::of(timestamp()), 1..=u64::MAX, proptest::option::of(region())),
        (proptest::option::of(word()), proptest::option::of(any::<i64>()), word()),
        (timestamp(), status(), word()),
    )
        .prop_map(
            |((completed_at, id, region), (region_slug, resource_id, resource_type), (started_at, status, type_))| {
                Action {
                    completed_at,
                    id: ActionId::new(id).expect("at least 1"),
                    region,
                    region_slug,
                    resource_id,
                    resource_type,
                    started_at,
                    status,
                    type_,
                }
            },
        )
}

fn image_action() -> impl Strategy<Value = ImageAction> {
    prop_oneof![
        Just(ImageAction::Convert),
        proptest::sample::select(&["nyc3", "ams3", "tor1"][..])
            .prop_map(|s| ImageAction::Transfer(RegionSlug::from(s))),
        ".{0,12}".prop_map(|s| ImageAction::Transfer(RegionSlug::from(s.as_str()))),
    ]
}

fn page_links() -> impl Strategy<Value = Option<PageLinks>> {
    let link = || proptest::option::of(word());
    proptest::option::of(proptest::option::of((link(), link(), link(), link())).prop_map(|pages| PageLinks {
        pages: pages.map(|(first, last, next, prev)| PageLinksPages { first, last, next, prev }),
    }))
}

fn round_trips<T>(value: &T) -> Result<(), TestCaseError>
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let encoded = serde_json::to_string(value).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let decoded: T = serde_json::from_str(&encoded).map_err(|e| TestCaseError::fail(format!("{e}: {encoded}")))?;
    prop_assert_eq!(&decoded, value, "through {}", encoded);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_json_never_panics_a_decoder(value in json()) {
        decode_responses(&serde_json::to_vec(&value).unwrap());
    }

    #[test]
    fn action_shaped_json_never_panics_a_decoder(action in action_shaped(), total in json()) {
        let wrapped = serde_json::json!({"action": action.clone(), "actions": [action], "meta": {"total": total}});
        decode_responses(&serde_json::to_vec(&wrapped).unwrap());
    }

    #[test]
    fn mutated_payloads_never_panic_a_decoder(
        file in proptest::sample::select(FIXTURES),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let mut doc: Value = serde_json::from_str(&fixture(file)).unwrap();
        for m in &mutations {
            apply(&mut doc, m);
        }
        decode_responses(&serde_json::to_vec(&doc).unwrap());
    }

    #[test]
    fn truncated_payloads_never_panic_a_decoder(file in proptest::sample::select(FIXTURES), cut in any::<usize>()) {
        let text = fixture(file).into_bytes();
        decode_responses(&text[..cut % (text.len() + 1)]);
    }

    #[test]
    fn actions_round_trip(action in action()) {
        round_trips(&action)?;
        round_trips(&ActionResponse { action })?;
    }

    #[test]
    fn action_pages_round_trip(actions in proptest::collection::vec(action(), 0..4), links in page_links(), total in any::<i64>()) {
        round_trips(&ActionPage { actions, links, meta: PageMeta { total } })?;
    }

    #[test]
    fn image_actions_round_trip(action in image_action()) {
        round_trips(&action)?;
        let encoded = serde_json::to_value(&action).unwrap();
        let expected = match &action {
            ImageAction::Convert => "convert",
            ImageAction::Transfer(_) => "transfer",
        };
        prop_assert_eq!(encoded["type"].as_str(), Some(expected));
    }
}
