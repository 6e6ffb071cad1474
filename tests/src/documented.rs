//! The documented examples of the whole API, found in the effective document with the codec of
//! each one's place: what the examples test round-trips and the deviations test mutates, found
//! one way so that both walk the same examples.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde_json::Value;

use crate::example_codecs::{COMPONENTS, OPERATIONS};
use crate::examples::Codec;

/// One documented example and where it is.
pub struct Example {
    /// The first tag of its operation, or of the first operation naming its component.
    pub tag: String,
    /// operationId, or `components/schemas/KEY`.
    pub subject: String,
    /// `responses/200 application/json example`, `requestBody application/json examples/foo`...
    pub place: String,
    /// The example as documented.
    pub value: Value,
    /// The schema the spec gives the place (unresolved: often a `$ref`), when it gives one.
    pub schema: Option<Value>,
    /// The codec for the place; `Err` says why there is none.
    pub codec: Result<Option<Codec>, String>,
    /// A media type the SDK hands over as bytes.
    pub raw: bool,
}

impl Example {
    /// Whether the example is a response body (of any status), as opposed to a request body or
    /// a component's example.
    pub fn is_response(&self) -> bool {
        self.place.starts_with("responses/")
    }
}

/// The effective document (the vendored files with the overlays applied), as published: before
/// the generator's normalization passes, so enums, constraints and formats are upstream's.
pub fn effective_document() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let sources = generator::effective::Sources::read(&root.join("openapi/vendored"), &root.join("openapi/overlays"))
        .expect("the vendored files and overlays load");
    generator::effective::effective(&sources, &[]).expect("the effective document builds")
}

/// Follows a local `$ref` (`#/components/...`), as many times as it takes.
pub fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
    while let Some(r) = v.get("$ref").and_then(Value::as_str) {
        v = r.strip_prefix('#').and_then(|p| doc.pointer(p)).unwrap_or_else(|| panic!("dangling $ref {r}"));
    }
    v
}

/// `codec(value)`, with a panicking decoder reported as an error like any other: one bad type
/// must not hide the figures of the rest.
pub fn decode_caught(codec: Codec, value: &Value) -> Result<Value, String> {
    std::panic::catch_unwind(|| codec(value))
        .map_err(|p| {
            let msg = p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()));
            format!("decode panicked: {}", msg.unwrap_or_default())
        })?
        .map_err(|e| format!("decode: {e}"))
}

fn is_json(media: &str) -> bool {
    let m = media.split(';').next().unwrap_or("").trim();
    m == "application/json" || m.ends_with("+json")
}

/// One example of a `content` map before its codec is known: place, value, schema, raw.
type Found = (String, Value, Option<Value>, bool);

/// The examples of one `content` map, each with its place.
fn content_examples(doc: &Value, prefix: &str, content: &Value, out: &mut Vec<Found>) {
    for (media, m) in content.as_object().into_iter().flatten() {
        let raw = !is_json(media);
        let schema = m.get("schema").cloned();
        if let Some(ex) = m.get("example") {
            out.push((format!("{prefix} {media} example"), ex.clone(), schema.clone(), raw));
        }
        for (name, ex) in m.get("examples").and_then(Value::as_object).into_iter().flatten() {
            let ex = resolve(doc, ex);
            if let Some(value) = ex.get("value") {
                out.push((format!("{prefix} {media} examples/{name}"), value.clone(), schema.clone(), raw));
            }
        }
    }
}

/// Every documented example of `doc`: per operation its request body's, then its responses'
/// (success statuses with what `send` returns, the others with the error type), then each
/// component schema's whole-object example.
pub fn collect(doc: &Value) -> Vec<Example> {
    let codecs: HashMap<&str, _> = OPERATIONS.iter().map(|o| (o.id, o)).collect();
    let mut all = Vec::new();
    let mut tag_of_component: BTreeMap<String, String> = BTreeMap::new();
    for (_, item) in doc["paths"].as_object().expect("paths").iter() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else { continue };
            let tag = op.pointer("/tags/0").and_then(Value::as_str).unwrap_or("(no tag)").to_owned();
            let entry = codecs.get(id).copied();
            let missing = || Err(format!("no generated operation for `{id}` ({method})"));
            let mut places = Vec::new();
            if let Some(body) = op.get("requestBody") {
                let body = resolve(doc, body);
                let mut found = Vec::new();
                content_examples(doc, "requestBody", &body["content"], &mut found);
                places.extend(found.into_iter().map(|f| (f, entry.map_or_else(missing, |e| Ok(e.body)))));
            }
            for (status, resp) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
                let resp = resolve(doc, resp);
                let Some(content) = resp.get("content") else { continue };
                let mut found = Vec::new();
                content_examples(doc, &format!("responses/{status}"), content, &mut found);
                let success = status.starts_with('2');
                places.extend(
                    found
                        .into_iter()
                        .map(|f| (f, entry.map_or_else(missing, |e| Ok(if success { e.success } else { e.failure })))),
                );
            }
            for ((place, value, schema, raw), codec) in places {
                all.push(Example { tag: tag.clone(), subject: id.to_owned(), place, value, schema, codec, raw });
            }
            // A component is listed under the tag of the first operation that names it directly.
            let text = op.to_string();
            for piece in text.split("\"#/components/schemas/").skip(1) {
                let key = piece.split('"').next().unwrap_or_default();
                tag_of_component.entry(key.to_owned()).or_insert_with(|| tag.clone());
            }
        }
    }
    let components: HashMap<&str, Codec> = COMPONENTS.iter().copied().collect();
    for (key, schema) in doc["components"]["schemas"].as_object().into_iter().flatten() {
        let Some(example) = schema.get("example").filter(|e| e.is_object()) else { continue };
        all.push(Example {
            tag: tag_of_component.get(key).cloned().unwrap_or_else(|| "(components)".into()),
            subject: format!("components/schemas/{key}"),
            place: "example".into(),
            value: example.clone(),
            // A reference rather than a copy: the same schema, without cloning it and its example.
            schema: Some(serde_json::json!({ "$ref": format!("#/components/schemas/{key}") })),
            codec: components
                .get(key.as_str())
                .map(|c| Some(*c))
                .ok_or_else(|| format!("no generated type for component `{key}`")),
            raw: false,
        });
    }
    all
}
