//! The fake API's table of operations (`fake-api/src/generated/operations.json`): for every
//! operation of the effective document, what the fake needs to answer it without knowing the
//! API: its method and path template, the types of its path parameters, its success status and
//! body, the shape its request body must have, and a request it accepts (for its tests and for
//! users who want one).
//!
//! Data rather than code: 659 routes as Rust would cost the fake's users a long compile, while a
//! JSON file is parsed once when the fake starts.
//!
//! Only structure and example payloads go in, never upstream's prose (descriptions, summaries,
//! titles), as in the vendored files.
//!
//! The success body is, in this order: the success response's documented `example`, the first
//! of its `examples` (by name), the `example` its schema carries as a whole; failing those, a
//! value built from the schema (the crate-private `build`); an empty object where the success
//! response has a JSON media type but no schema, or where the operation documents no success
//! at all. The figures ([`Figures`]) count each kind.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::spec::validate::operations;

/// Where the table goes, relative to the workspace root.
pub const OUTPUT: &str = "fake-api/src/generated/operations.json";

/// Where each operation's success body came from, counted over the table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    /// Operations in the table.
    pub operations: usize,
    /// The success body is a documented example: the response's `example` or `examples`.
    pub documented: usize,
    /// The success body is the `example` of the response's schema, given whole.
    pub schema_example: usize,
    /// The success body was built from the schema (from its properties' examples and types).
    pub built: usize,
    /// The success body is `{}`: JSON without a schema, or no documented success.
    pub empty_object: usize,
    /// The success has no body (204 and the like, or a media type without an example).
    pub no_body: usize,
    /// Operations with a request body shape to check.
    pub with_request_body: usize,
    /// Of those, the sample request body is a documented example (the rest are built).
    pub documented_request: usize,
}

/// What the handles know of an operation that the fake answers by: whether it is a list, and
/// whether its answer carries actions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Role {
    /// For a list, the property of its answer that holds the items: the fake answers a request
    /// for a page (`page` or `per_page` in the query) with that page of a longer list.
    pub items: Option<String>,
    /// For an answer that carries actions, the property that holds them (one action, or an
    /// array of them; empty: the answer is the action): the fake makes them progress.
    pub actions: Option<String>,
}

/// The table as JSON text, and its figures. `header` (the generated-code header, `//` lines)
/// goes in as the `generated` key, since JSON has no comments. `roles` says, by operationId,
/// which operations are lists and which answer with actions.
pub fn table(doc: &Value, header: &str, roles: &BTreeMap<String, Role>) -> (String, Figures) {
    let mut figures = Figures::default();
    let mut defs = Definitions { doc, names: BTreeSet::new() };
    let mut ops: BTreeMap<String, Value> = BTreeMap::new();
    for op in operations(doc) {
        let Some(id) = op.item.get("operationId").and_then(Value::as_str) else { continue };
        let mut entry = Map::new();
        entry.insert("id".into(), json!(id));
        let tag = op.item.pointer("/tags/0").and_then(Value::as_str).unwrap_or_default();
        entry.insert("tag".into(), json!(tag));
        entry.insert("method".into(), json!(op.method.to_uppercase()));
        entry.insert("path".into(), json!(op.path));
        // `security: []`: the operation takes no credential (a presigned URL is signed).
        if op.item.get("security").and_then(Value::as_array).is_some_and(Vec::is_empty) {
            entry.insert("anonymous".into(), json!(true));
        }

        let mut params = Map::new();
        let mut sample_path = op.path.to_owned();
        let listed = op.path_item.get("parameters").and_then(Value::as_array).into_iter().flatten();
        for p in listed.chain(op.item.get("parameters").and_then(Value::as_array).into_iter().flatten()) {
            let p = resolve(doc, p);
            if p.get("in").and_then(Value::as_str) != Some("path") {
                continue;
            }
            let Some(name) = p.get("name").and_then(Value::as_str) else { continue };
            let schema = p.get("schema").unwrap_or(&Value::Null);
            let shape = param_shape(doc, schema);
            let value = param_sample(doc, p, schema, &shape);
            sample_path = sample_path.replace(&format!("{{{name}}}"), &value);
            params.insert(name.to_owned(), shape);
        }
        entry.insert("params".into(), Value::Object(params));
        entry.insert("sample_path".into(), json!(sample_path));

        success(doc, op.item, &mut entry, &mut figures);
        request(&mut defs, op.item, &mut entry, &mut figures);
        if let Some(role) = roles.get(id) {
            if let Some(items) = &role.items {
                let list = list_shape(doc, op.item, &entry, items);
                entry.insert("list".into(), list);
            }
            if let Some(actions) = &role.actions {
                entry.insert("actions".into(), json!(actions));
            }
        }
        figures.operations += 1;
        ops.insert(id.to_owned(), Value::Object(entry));
    }

    let mut definitions = Map::new();
    // Shapes can name further components; follow them until none is new.
    let mut done: BTreeSet<String> = BTreeSet::new();
    while let Some(name) = defs.names.iter().find(|n| !done.contains(*n)).cloned() {
        done.insert(name.clone());
        let schema = doc.pointer(&format!("/components/schemas/{name}")).unwrap_or(&Value::Null);
        let shape = defs.shape(schema);
        definitions.insert(name, shape);
    }

    // One operation or definition a line: a change in the spec is a change of a few lines.
    let mut out = String::from("{\n\"generated\": ");
    let lines: Vec<&str> = header.lines().map(|l| l.trim_start_matches("// ")).filter(|l| !l.is_empty()).collect();
    out.push_str(&serde_json::to_string(&lines).unwrap_or_default());
    out.push_str(",\n\"definitions\": {");
    for (i, (name, shape)) in definitions.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(&format!("{}: {}", json!(name), sorted(shape)));
    }
    out.push_str("\n},\n\"operations\": [");
    for (i, entry) in ops.values().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(&sorted(entry).to_string());
    }
    out.push_str("\n]\n}\n");
    (out, figures)
}

/// The success response: status, media type, body and where the body came from.
fn success(doc: &Value, op: &Value, entry: &mut Map<String, Value>, figures: &mut Figures) {
    let responses = op.get("responses").and_then(Value::as_object);
    let first_2xx = responses.into_iter().flatten().find(|(code, _)| code.len() == 3 && code.starts_with('2'));
    let Some((code, response)) = first_2xx else {
        // Nothing documented as success (only errors or `default`): answer 200 with an empty
        // object, the least a JSON client can read.
        entry.insert("status".into(), json!(200));
        entry.insert("media".into(), json!("application/json"));
        entry.insert("example".into(), json!({}));
        entry.insert("source".into(), json!("empty"));
        figures.empty_object += 1;
        return;
    };
    entry.insert("status".into(), json!(code.parse::<u16>().unwrap_or(200)));
    let content = resolve(doc, response).get("content").and_then(Value::as_object);
    let media = content.and_then(|c| c.iter().find(|(m, _)| is_json(m)).or_else(|| c.iter().next()));
    let Some((media_type, media)) = media else {
        figures.no_body += 1;
        return;
    };
    entry.insert("media".into(), json!(media_type));
    if let Some(example) = media_example(doc, media) {
        entry.insert("example".into(), example);
        entry.insert("source".into(), json!("documented"));
        figures.documented += 1;
        return;
    }
    let schema = media.get("schema").map(|s| resolve(doc, s));
    if !is_json(media_type) {
        // A CSV, a PDF, an event stream without an example: nothing to build it from.
        entry.remove("media");
        figures.no_body += 1;
        return;
    }
    match schema {
        Some(s) if s.get("example").is_some() => {
            entry.insert("example".into(), s["example"].clone());
            entry.insert("source".into(), json!("schema"));
            figures.schema_example += 1;
        }
        Some(s) if !s.as_object().is_none_or(Map::is_empty) => {
            entry.insert("example".into(), build(doc, s, Direction::Response, &mut Vec::new()));
            entry.insert("source".into(), json!("built"));
            figures.built += 1;
        }
        _ => {
            entry.insert("example".into(), json!({}));
            entry.insert("source".into(), json!("empty"));
            figures.empty_object += 1;
        }
    }
}

/// What the fake pages a list by: the property of its items, and an item to repeat when the
/// success body has none to start from (an empty array in the example), built from the schema.
fn list_shape(doc: &Value, op: &Value, entry: &Map<String, Value>, items: &str) -> Value {
    let mut list = Map::new();
    list.insert("items".into(), json!(items));
    let example_has_one =
        entry.get("example").and_then(|e| e.get(items)).and_then(Value::as_array).is_some_and(|a| !a.is_empty());
    if !example_has_one {
        let responses = op.get("responses").and_then(Value::as_object).into_iter().flatten();
        let schema = responses
            .filter(|(code, _)| code.starts_with('2'))
            .find_map(|(_, r)| resolve(doc, r).get("content")?.as_object()?.iter().find(|(m, _)| is_json(m)))
            .and_then(|(_, media)| media.get("schema"));
        let item_schema = schema.and_then(|s| property(doc, s, items, 0)).and_then(|p| resolve(doc, p).get("items"));
        if let Some(item_schema) = item_schema {
            list.insert("item".into(), build(doc, item_schema, Direction::Response, &mut Vec::new()));
        }
    }
    Value::Object(list)
}

/// The schema of property `name` of an object schema, its `allOf` parts' included.
fn property<'a>(doc: &'a Value, schema: &'a Value, name: &str, depth: usize) -> Option<&'a Value> {
    let schema = resolve(doc, schema);
    if depth > 16 {
        return None;
    }
    if let Some(p) = schema.pointer(&format!("/properties/{}", name.replace('~', "~0").replace('/', "~1"))) {
        return Some(p);
    }
    schema.get("allOf")?.as_array()?.iter().find_map(|part| property(doc, part, name, depth + 1))
}

/// The request body: its shape, whether it is required, and a sample the shape accepts.
fn request(defs: &mut Definitions<'_>, op: &Value, entry: &mut Map<String, Value>, figures: &mut Figures) {
    let doc = defs.doc;
    let Some(body) = op.get("requestBody").map(|b| resolve(doc, b)) else { return };
    let Some(content) = body.get("content").and_then(Value::as_object) else { return };
    let Some((media_type, media)) = content.iter().find(|(m, _)| is_json(m)).or_else(|| content.iter().next()) else {
        return;
    };
    figures.with_request_body += 1;
    let mut shape = Map::new();
    shape.insert("media".into(), json!(media_type));
    shape.insert("required".into(), json!(body.get("required").and_then(Value::as_bool).unwrap_or(false)));
    if is_json(media_type) {
        let schema = media.get("schema").unwrap_or(&Value::Null);
        shape.insert("schema".into(), defs.shape(schema));
        let sample = match media_example(doc, media) {
            Some(example) => {
                figures.documented_request += 1;
                example
            }
            None => build(doc, schema, Direction::Request, &mut Vec::new()),
        };
        entry.insert("sample_body".into(), sample);
    }
    entry.insert("request".into(), Value::Object(shape));
}

/// A media type's documented example: `example`, or the first of `examples` by name.
fn media_example(doc: &Value, media: &Value) -> Option<Value> {
    if let Some(example) = media.get("example") {
        return Some(example.clone());
    }
    let examples = media.get("examples").and_then(Value::as_object)?;
    examples.values().map(|e| resolve(doc, e)).find_map(|e| e.get("value").cloned())
}

/// Which way a built value travels: read-only properties are left out of requests and
/// write-only ones out of responses, as the API would.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Request,
    Response,
}

/// How deep a built value goes before it stops at the least value of the type: the API's
/// schemas nest (apps' specs) and some refer to themselves.
const MAX_DEPTH: usize = 8;

/// A value built from a schema: its `example` where it has one, else the first of its `enum`,
/// its `default`, or the least value of its type; an object gets every property, an array one
/// item. A component already being built further up (a schema that contains itself) gives the
/// least value of its type instead.
pub(crate) fn build(doc: &Value, schema: &Value, direction: Direction, stack: &mut Vec<String>) -> Value {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        if stack.iter().any(|s| s == r) || stack.len() >= MAX_DEPTH {
            return least(resolve(doc, schema));
        }
        stack.push(r.to_owned());
        let target = r.strip_prefix('#').and_then(|p| doc.pointer(p)).unwrap_or(&Value::Null);
        let value = build(doc, target, direction, stack);
        stack.pop();
        return value;
    }
    for key in ["example", "default"] {
        if let Some(v) = schema.get(key) {
            return v.clone();
        }
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        let mut other = None;
        for part in parts {
            match build(doc, part, direction, stack) {
                Value::Object(m) => merged.extend(m),
                v => other = Some(v),
            }
        }
        return match other {
            Some(v) if merged.is_empty() => v,
            _ => Value::Object(merged),
        };
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema.get(key).and_then(|a| a.get(0)) {
            let mut value = build(doc, first, direction, stack);
            // In a discriminated union the variant is named by its mapping key: built alone, the
            // tag property would take the first value of its enum, which may name another
            // variant (`{"type": "assign"}` built from the unassign variant, without the
            // `droplet_id` an assign requires).
            if let (Some(property), Some(reference), Value::Object(fields)) =
                (schema.pointer("/discriminator/propertyName").and_then(Value::as_str), first.get("$ref"), &mut value)
                && let Some(tag) = schema
                    .pointer("/discriminator/mapping")
                    .and_then(Value::as_object)
                    .and_then(|m| m.iter().find(|(_, r)| *r == reference).map(|(k, _)| k.clone()))
            {
                fields.insert(property.to_owned(), json!(tag));
            }
            return value;
        }
    }
    match kind(schema) {
        Some("object") => {
            let mut out = Map::new();
            for (name, property) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
                let resolved = resolve(doc, property);
                let skip = match direction {
                    Direction::Request => flag(resolved, "readOnly") || flag(property, "readOnly"),
                    Direction::Response => flag(resolved, "writeOnly") || flag(property, "writeOnly"),
                };
                // An optional property that would contain its own schema again is left out: the
                // least value there (`{}`) would lack what that schema requires.
                let optional =
                    schema.get("required").and_then(Value::as_array).is_none_or(|r| !r.iter().any(|n| n == name));
                if !skip && (!optional || !recurses(property, stack)) {
                    out.insert(name.clone(), build(doc, property, direction, stack));
                }
            }
            Value::Object(out)
        }
        Some("array") => match schema.get("items") {
            Some(items) => Value::Array(vec![build(doc, items, direction, stack)]),
            None => json!([]),
        },
        _ => least(schema),
    }
}

/// Whether a property names (itself, or as its items) a component being built further up.
fn recurses(property: &Value, stack: &[String]) -> bool {
    [property.get("$ref"), property.pointer("/items/$ref")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .any(|r| stack.iter().any(|s| s == r))
}

/// The least value of a schema's type: what a value built without examples holds.
fn least(schema: &Value) -> Value {
    match kind(schema) {
        Some("object") => json!({}),
        Some("array") => json!([]),
        // The least the schema allows: a count with `minimum: 1` is not 0.
        Some("integer") | Some("number") => {
            schema.get("minimum").filter(|m| m.is_number()).cloned().unwrap_or(json!(0))
        }
        Some("boolean") => json!(false),
        Some("string") => json!(match schema.get("format").and_then(Value::as_str) {
            Some("uuid") => SAMPLE_UUID,
            Some("date-time") => "2024-01-01T00:00:00Z",
            Some("date") => "2024-01-01",
            Some("ipv4") => "192.0.2.1",
            Some("ipv6") => "2001:db8::1",
            Some("email") => "someone@example.com",
            _ => "",
        }),
        _ => Value::Null,
    }
}

/// The UUID a built value or path uses where no example gives one.
const SAMPLE_UUID: &str = "00000000-0000-4000-8000-000000000000";

/// A schema's type: `type`, or `object` when it only lists properties.
fn kind(schema: &Value) -> Option<&str> {
    schema.get("type").and_then(Value::as_str).or_else(|| schema.get("properties").map(|_| "object"))
}

fn flag(schema: &Value, key: &str) -> bool {
    schema.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// A path parameter's shape: the types its value may have (several under `anyOf`/`oneOf`) and
/// whether it is a UUID. Enums are not kept, for the reason given in [`Definitions::shape`].
fn param_shape(doc: &Value, schema: &Value) -> Value {
    fn types<'a>(doc: &'a Value, schema: &'a Value, out: &mut BTreeSet<&'a str>, uuid: &mut bool) {
        let schema = resolve(doc, schema);
        let alternatives = ["oneOf", "anyOf"].iter().filter_map(|k| schema.get(*k).and_then(Value::as_array)).flatten();
        let mut any = false;
        for alternative in alternatives {
            any = true;
            types(doc, alternative, out, uuid);
        }
        if let Some(t) = schema.get("type").and_then(Value::as_str) {
            out.insert(t);
            *uuid |= schema.get("format").and_then(Value::as_str) == Some("uuid");
        } else if !any {
            out.insert("string");
        }
    }
    let mut set = BTreeSet::new();
    let mut uuid = false;
    types(doc, schema, &mut set, &mut uuid);
    // A UUID check only holds when every alternative is a UUID string.
    let uuid = uuid && set.len() == 1;
    let mut shape = Map::new();
    shape.insert("types".into(), json!(set.into_iter().collect::<Vec<_>>()));
    if uuid {
        shape.insert("uuid".into(), json!(true));
    }
    Value::Object(shape)
}

/// A value for a path parameter in the sample path: its documented example when that fits its
/// shape, otherwise a value of its first type.
fn param_sample(doc: &Value, param: &Value, schema: &Value, shape: &Value) -> String {
    let types: Vec<&str> = shape["types"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let uuid = shape.get("uuid").is_some();
    let resolved = resolve(doc, schema);
    let documented = param.get("example").or_else(|| resolved.get("example")).or_else(|| {
        let alternatives =
            ["oneOf", "anyOf"].iter().filter_map(|k| resolved.get(*k).and_then(Value::as_array)).flatten();
        alternatives.map(|a| resolve(doc, a)).find_map(|a| a.get("example"))
    });
    let text = documented.map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    let fits = |t: &str| {
        types.iter().any(|ty| match *ty {
            "integer" => t.parse::<i64>().is_ok(),
            "number" => t.parse::<f64>().is_ok(),
            "boolean" => t == "true" || t == "false",
            _ => !t.is_empty() && !t.contains('/') && (!uuid || is_uuid(t)),
        })
    };
    match text.filter(|t| fits(t)) {
        Some(t) => t,
        None => match types.first().copied() {
            Some("integer") | Some("number") => "1".into(),
            Some("boolean") => "true".into(),
            _ if uuid => SAMPLE_UUID.into(),
            _ => "sample".into(),
        },
    }
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The request-body shapes and the components they name.
struct Definitions<'a> {
    doc: &'a Value,
    /// Components named by a `$ref` in a shape; each becomes a definition.
    names: BTreeSet<String>,
}

impl Definitions<'_> {
    /// A schema cut down to what the fake checks: `type`, `nullable`, `required`, `properties`,
    /// `items`, `allOf`, `oneOf`, `anyOf`, and `$ref` as the component's name (its shape is in
    /// the definitions). Read-only properties leave `properties` and `required`: a client does
    /// not send them. Not kept: `enum` (upstream's enums of regions, sizes and versions trail
    /// the API, which is why the SDK keeps its enums open; a fake that refused a new region would
    /// refuse what the API takes), formats and bounds (the fake checks the shape, not values),
    /// `additionalProperties` (the API ignores fields it does not know), and everything else.
    fn shape(&mut self, schema: &Value) -> Value {
        let Some(schema) = schema.as_object() else { return json!({}) };
        let mut out = Map::new();
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            if let Some(name) = r.strip_prefix("#/components/schemas/") {
                self.names.insert(name.to_owned());
                out.insert("$ref".into(), json!(name));
                return Value::Object(out);
            }
            let target = r.strip_prefix('#').and_then(|p| self.doc.pointer(p)).unwrap_or(&Value::Null);
            return self.shape(target);
        }
        if let Some(t) = schema.get("type") {
            out.insert("type".into(), t.clone());
        }
        if schema.get("nullable").and_then(Value::as_bool).unwrap_or(false) {
            out.insert("nullable".into(), json!(true));
        }
        let mut read_only = BTreeSet::new();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            let mut shapes = Map::new();
            for (name, property) in properties {
                if flag(property, "readOnly") || flag(resolve(self.doc, property), "readOnly") {
                    read_only.insert(name.as_str());
                    continue;
                }
                shapes.insert(name.clone(), self.shape(property));
            }
            out.insert("properties".into(), Value::Object(shapes));
        }
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            // A required name that the schema declares nowhere (upstream's uptime check asks for
            // `method`, the apps' logtail destination for `endpoint`, neither declared) has no
            // type a client could know to send; the fake keeps only what the schema states.
            let declared = declared(self.doc, schema, 0);
            let kept: Vec<&Value> = required
                .iter()
                .filter(|r| r.as_str().is_none_or(|r| !read_only.contains(r)))
                .filter(|r| r.as_str().is_none_or(|r| declared.as_ref().is_none_or(|d| d.contains(r))))
                .collect();
            if !kept.is_empty() {
                out.insert("required".into(), json!(kept));
            }
        }
        if let Some(items) = schema.get("items") {
            out.insert("items".into(), self.shape(items));
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(parts) = schema.get(key).and_then(Value::as_array) {
                out.insert(key.into(), Value::Array(parts.iter().map(|p| self.shape(p)).collect()));
            }
        }
        Value::Object(out)
    }
}

/// The property names a schema declares, its `allOf` parts' included; `None` when that cannot
/// be known (an `anyOf`/`oneOf` part, or `additionalProperties` that let any name in).
fn declared<'a>(doc: &'a Value, schema: &'a Map<String, Value>, depth: usize) -> Option<BTreeSet<&'a str>> {
    if depth > 16 || ["anyOf", "oneOf", "additionalProperties"].iter().any(|k| schema.contains_key(*k)) {
        return None;
    }
    let mut names: BTreeSet<&str> =
        schema.get("properties").and_then(Value::as_object).into_iter().flatten().map(|(k, _)| k.as_str()).collect();
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        names.extend(declared(doc, resolve(doc, part).as_object()?, depth + 1)?);
    }
    Some(names)
}

/// Follows a local `$ref`, as many times as it takes (a dangling one gives `null`; the
/// validator has refused those before the generator runs).
fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(r) = v.get("$ref").and_then(Value::as_str) else { break };
        v = r.strip_prefix('#').and_then(|p| doc.pointer(p)).unwrap_or(&Value::Null);
    }
    v
}

fn is_json(media: &str) -> bool {
    let m = media.split(';').next().unwrap_or("").trim();
    m == "application/json" || m.ends_with("+json")
}

/// The value with every object's keys in order, whatever map serde_json was built with.
fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let ordered: BTreeMap<&String, Value> = m.iter().map(|(k, v)| (k, sorted(v))).collect();
            Value::Object(ordered.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests;
