//! Every operation of the API, answered from the generated table
//! (`generated/operations.json`, written by `cargo xtask generate` from the effective spec):
//! the route is found by method and path template, the path parameters must have their types,
//! the request body must have the documented shape, and the answer is the documented success
//! status and example.
//!
//! The table is data, parsed once, rather than 659 routes of code: it costs the fake's users
//! milliseconds at run time instead of minutes of compiling.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::body;

/// The table, as `cargo xtask generate` wrote it.
const TABLE: &str = include_str!("generated/operations.json");

/// One operation of the API as the fake answers it outside the image actions: from the
/// generated table of the API's documented examples. [`operations`] lists them all.
///
/// ```
/// let get = digitalocean_fake_api::operation("droplets_get").unwrap();
/// assert_eq!((get.method(), get.path(), get.status()), ("GET", "/v2/droplets/{droplet_id}", 200));
/// assert!(get.example().is_some_and(|body| body["droplet"]["id"].is_u64()));
/// ```
#[derive(Debug)]
pub struct DocumentedOperation {
    id: String,
    tag: String,
    method: String,
    path: String,
    segments: Vec<Segment>,
    status: u16,
    media: Option<String>,
    example: Option<Value>,
    source: String,
    request: Option<RequestShape>,
    sample_path: String,
    sample_body: Option<Value>,
    pub(crate) list: Option<ListShape>,
    actions: Option<String>,
    anonymous: bool,
}

/// How a list is paged: the property holding its items, and an item to repeat when the example
/// has none.
#[derive(Debug)]
pub(crate) struct ListShape {
    pub(crate) items: String,
    pub(crate) item: Option<Value>,
}

impl DocumentedOperation {
    /// The operationId, such as `droplets_get`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The operation's first tag, such as `Droplets`.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The HTTP method, upper case.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path template, such as `/v2/droplets/{droplet_id}`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The success status the fake answers with (the first 2xx the API documents; 200 where it
    /// documents none).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The media type of the success body, `None` when it has none.
    pub fn media(&self) -> Option<&str> {
        self.media.as_deref()
    }

    /// The success body: JSON, or a JSON string holding the text of another media type (a CSV
    /// invoice). `None` when the answer has no body.
    pub fn example(&self) -> Option<&Value> {
        self.example.as_ref()
    }

    /// Where [`example`](Self::example) comes from: `documented` (the response's example),
    /// `schema` (its schema's example), `built` (built from the schema's types and the examples
    /// of its properties), `empty` (`{}`: no schema, or no documented success); absent without
    /// a body.
    pub fn source(&self) -> Option<&str> {
        (!self.source.is_empty()).then_some(self.source.as_str())
    }

    /// A path the operation accepts, its parameters filled from their documented examples
    /// (`/v2/droplets/3164444`).
    pub fn sample_path(&self) -> &str {
        &self.sample_path
    }

    /// The media type of the request body, `None` when the operation takes none.
    pub fn request_media(&self) -> Option<&str> {
        self.request.as_ref().map(|r| r.media.as_str())
    }

    /// A JSON request body the operation accepts: the documented request example, or one built
    /// from the schema. `None` when the operation takes no JSON body.
    pub fn sample_body(&self) -> Option<&Value> {
        self.sample_body.as_ref()
    }

    /// For a list (an operation that pages), the property of its answer that holds the items
    /// (`droplets`). A request for a page of it (`page` or `per_page` in the query) is answered
    /// with that page of a longer list; see [`FakeApiBuilder::list_length`](crate::FakeApiBuilder::list_length).
    pub fn list_items(&self) -> Option<&str> {
        self.list.as_ref().map(|l| l.items.as_str())
    }

    /// For an operation whose answer carries actions, the property that holds them: one action
    /// (`action`) or an array of them (`actions`); empty when the answer is the action itself.
    /// Those actions progress as the image actions do (see the crate's documentation).
    pub fn action_field(&self) -> Option<&str> {
        self.actions.as_deref()
    }

    /// Whether the operation takes no credential (the spec's `security: []`: an upload to a
    /// presigned URL). The fake answers it without a bearer token, and refuses it with one.
    pub fn anonymous(&self) -> bool {
        self.anonymous
    }
}

/// Every operation of the API, sorted by operationId, as the fake answers it when a request is
/// not one of the three image actions (those answer from the fake's state).
pub fn operations() -> &'static [DocumentedOperation] {
    &table().operations
}

/// One operation by its operationId.
pub fn operation(id: &str) -> Option<&'static DocumentedOperation> {
    let ops = operations();
    ops.binary_search_by(|op| op.id.as_str().cmp(id)).ok().map(|i| &ops[i])
}

#[derive(Debug)]
enum Segment {
    Literal(String),
    Param(ParamShape),
}

/// The types a path parameter's value may have (several when its schema is an `anyOf`).
#[derive(Debug)]
struct ParamShape {
    types: Vec<String>,
    uuid: bool,
}

#[derive(Debug)]
struct RequestShape {
    media: String,
    required: bool,
    schema: Value,
}

/// The whole table.
#[derive(Debug)]
pub(crate) struct Table {
    operations: Vec<DocumentedOperation>,
    definitions: Map<String, Value>,
}

/// The table, parsed on first use.
///
/// # Panics
///
/// When the generated file is not the table's shape, which `cargo xtask generate --check` and
/// this crate's tests rule out before a release.
pub(crate) fn table() -> &'static Table {
    static PARSED: OnceLock<Table> = OnceLock::new();
    PARSED.get_or_init(|| parse(TABLE).expect("generated/operations.json is the table cargo xtask generate writes"))
}

fn parse(text: &str) -> Result<Table, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let definitions = doc.get("definitions").and_then(Value::as_object).cloned().ok_or("no definitions")?;
    let mut operations = Vec::new();
    for entry in doc.get("operations").and_then(Value::as_array).ok_or("no operations")? {
        let text = |key: &str| entry.get(key).and_then(Value::as_str).map(str::to_owned);
        let id = text("id").ok_or("an operation without id")?;
        let path = text("path").ok_or_else(|| format!("{id}: no path"))?;
        let params = entry.get("params").and_then(Value::as_object);
        let segments = path
            .trim_matches('/')
            .split('/')
            .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => {
                    let shape = params.and_then(|p| p.get(name));
                    let types = shape.and_then(|s| s.get("types")).and_then(Value::as_array);
                    Segment::Param(ParamShape {
                        types: types.into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect(),
                        uuid: shape.and_then(|s| s.get("uuid")).and_then(Value::as_bool).unwrap_or(false),
                    })
                }
                None => Segment::Literal(s.to_owned()),
            })
            .collect();
        let request = entry.get("request").map(|r| RequestShape {
            media: r.get("media").and_then(Value::as_str).unwrap_or("application/json").to_owned(),
            required: r.get("required").and_then(Value::as_bool).unwrap_or(false),
            schema: r.get("schema").cloned().unwrap_or(Value::Null),
        });
        operations.push(DocumentedOperation {
            tag: text("tag").unwrap_or_default(),
            source: text("source").unwrap_or_default(),
            method: text("method").ok_or_else(|| format!("{id}: no method"))?,
            status: entry.get("status").and_then(Value::as_u64).and_then(|s| u16::try_from(s).ok()).unwrap_or(200),
            media: text("media"),
            example: entry.get("example").cloned(),
            sample_path: text("sample_path").unwrap_or_else(|| path.clone()),
            sample_body: entry.get("sample_body").cloned(),
            list: entry.get("list").and_then(|l| {
                Some(ListShape { items: l.get("items")?.as_str()?.to_owned(), item: l.get("item").cloned() })
            }),
            actions: text("actions"),
            anonymous: entry.get("anonymous").and_then(Value::as_bool).unwrap_or(false),
            request,
            segments,
            path,
            id,
        });
    }
    Ok(Table { operations, definitions })
}

impl Table {
    /// The operation a request names: the same method, the same literal segments, and path
    /// parameters of their types. Where several templates fit, the one whose first literal
    /// segment comes earliest wins (`/v2/droplets/actions` over `/v2/droplets/{droplet_id}`),
    /// as a router tries its fixed routes before its patterns.
    pub(crate) fn find(&self, method: &str, path: &str) -> Option<&DocumentedOperation> {
        // Compared decoded: a client percent-encodes what the template writes plainly
        // (`/<upload_url>`, a placeholder upstream documents as a path).
        let segments: Vec<String> = path.trim_matches('/').split('/').map(percent_decoded).collect();
        self.operations
            .iter()
            .filter(|op| op.method.eq_ignore_ascii_case(method) && op.segments.len() == segments.len())
            .filter(|op| {
                op.segments.iter().zip(&segments).all(|(s, value)| match s {
                    Segment::Literal(l) => l == value,
                    Segment::Param(shape) => shape.accepts(value),
                })
            })
            .max_by_key(|op| op.segments.iter().map(|s| matches!(s, Segment::Literal(_))).collect::<Vec<bool>>())
    }

    /// Whether the request's body has the operation's shape: `Ok`, or the message of a 422
    /// (`Err(None)`: not JSON at all, a 400).
    pub(crate) fn check_body(&self, op: &DocumentedOperation, raw: &[u8]) -> Result<(), Option<String>> {
        let Some(request) = &op.request else { return Ok(()) };
        let empty = raw.iter().all(u8::is_ascii_whitespace);
        if empty {
            return match request.required {
                true => Err(Some("The request body is required.".into())),
                false => Ok(()),
            };
        }
        if !is_json(&request.media) {
            return Ok(());
        }
        let Ok(value) = serde_json::from_slice::<Value>(raw) else { return Err(None) };
        self.check(&request.schema, &value, "body", 0).map_err(Some)
    }

    /// Checks `value` against a shape; `at` names the place in messages (`body.droplet.name`).
    ///
    /// Leniency, on purpose: `oneOf` is read as `anyOf` (upstream's alternatives overlap, so a
    /// body the API takes often fits two), and fields the shape does not name are accepted (the
    /// API ignores them). What is checked exactly: required properties, and the type of every
    /// value the shape gives one.
    fn check(&self, shape: &Value, value: &Value, at: &str, depth: usize) -> Result<(), String> {
        // Shapes refer to themselves (a rule's nested rules); a body deeper than this is not
        // one a client builds, and the API's own limit would refuse it first.
        if depth > 64 {
            return Ok(());
        }
        if let Some(name) = shape.get("$ref").and_then(Value::as_str) {
            return match self.definitions.get(name) {
                Some(def) => self.check(def, value, at, depth + 1),
                None => Ok(()),
            };
        }
        let nullable = shape.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        if value.is_null() && nullable {
            return Ok(());
        }
        let kind = shape
            .get("type")
            .and_then(Value::as_str)
            .or_else(|| (shape.get("properties").is_some() || shape.get("required").is_some()).then_some("object"));
        if let Some(kind) = kind {
            let fits = match kind {
                "object" => value.is_object(),
                "array" => value.is_array(),
                "string" => value.is_string(),
                "boolean" => value.is_boolean(),
                "number" => value.is_number(),
                "integer" => value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0),
                _ => true,
            };
            if !fits {
                return Err(format!(
                    "`{at}` must be {} {kind}.",
                    if kind == "integer" || kind == "array" || kind == "object" { "an" } else { "a" }
                ));
            }
        }
        if let Value::Object(fields) = value {
            for name in shape.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
            {
                if !fields.contains_key(name) {
                    return Err(format!("`{at}.{name}` is required."));
                }
            }
            let required = shape.get("required").and_then(Value::as_array);
            for (name, property) in shape.get("properties").and_then(Value::as_object).into_iter().flatten() {
                // `null` for an optional property is accepted whatever its type: the API's Go
                // decoders read it as absent, and upstream's own examples send it
                // (`"stop": null` in a chat completion).
                let optional = required.is_none_or(|r| !r.iter().any(|n| n == name));
                if let Some(field) = fields.get(name).filter(|f| !(f.is_null() && optional)) {
                    self.check(property, field, &format!("{at}.{name}"), depth + 1)?;
                }
            }
        }
        if let (Value::Array(items), Some(item_shape)) = (value, shape.get("items")) {
            for (i, item) in items.iter().enumerate() {
                self.check(item_shape, item, &format!("{at}[{i}]"), depth + 1)?;
            }
        }
        for part in shape.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            self.check(part, value, at, depth + 1)?;
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alternatives) = shape.get(key).and_then(Value::as_array) {
                let mut first_error = None;
                for alternative in alternatives {
                    match self.check(alternative, value, at, depth + 1) {
                        Ok(()) => {
                            first_error = None;
                            break;
                        }
                        Err(e) => {
                            first_error.get_or_insert(e);
                        }
                    }
                }
                if let Some(e) = first_error {
                    return Err(format!("`{at}` fits none of the shapes the API accepts here (the first: {e})"));
                }
            }
        }
        Ok(())
    }
}

impl ParamShape {
    /// Whether a path segment can be a value of this parameter. An id the API types as an
    /// integer must be digits: `/v2/droplets/abc` names no droplet.
    fn accepts(&self, segment: &str) -> bool {
        if segment.is_empty() {
            return false;
        }
        // No types listed: the spec gives the parameter no schema, so any value goes.
        self.types.is_empty()
            || self.types.iter().any(|t| match t.as_str() {
                "integer" => segment.parse::<i64>().is_ok(),
                "number" => segment.parse::<f64>().is_ok(),
                "boolean" => segment == "true" || segment == "false",
                _ => !self.uuid || is_uuid(segment),
            })
    }
}

/// `%XX` escapes decoded; anything that does not decode to UTF-8 stays as it came.
fn percent_decoded(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| segment.to_owned())
}

pub(crate) fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_json(media: &str) -> bool {
    let m = media.split(';').next().unwrap_or("").trim();
    m == "application/json" || m.ends_with("+json")
}

/// What the fake sends for a documented operation, before it becomes a wiremock template.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Answer {
    /// A JSON body.
    Json(Value),
    /// A body in another media type (a CSV invoice, a YAML kubeconfig), as documented.
    Text { media: &'static str, text: &'static str },
    /// No body (204 and the like, or a media type the spec gives no example of).
    Empty,
}

/// Answers a request the fake found `op` for (or `None`: no operation of the API has this
/// method and path); `authorized` says whether its bearer token passed. Errors carry the
/// `request_id`, as the API's documented error bodies do.
pub(crate) fn answer(
    op: Option<&'static DocumentedOperation>,
    authorized: bool,
    raw: &[u8],
    request_id: &str,
) -> (u16, Answer) {
    let error = |id: &str, message: &str| {
        let mut body = body::error(id, message);
        body["request_id"] = Value::from(request_id);
        Answer::Json(body)
    };
    if !authorized {
        return (401, error("unauthorized", body::UNAUTHORIZED_MESSAGE));
    }
    // A path parameter of the wrong type is 404, not 422: the path is the resource's address,
    // and with droplet ids integers, `/v2/droplets/abc` is the address of nothing, as an
    // unknown path is. 422 is for a body the API cannot process. The image-action routes
    // answer a malformed image id (`/v2/images/abc/actions`) with 404 too.
    let Some(op) = op else { return (404, error("not_found", body::NOT_FOUND_MESSAGE)) };
    match table().check_body(op, raw) {
        Ok(()) => {}
        Err(Some(message)) => return (422, error("unprocessable_entity", &message)),
        Err(None) => return (400, error("bad_request", "The request body must be JSON.")),
    }
    let answer = match (&op.example, op.media.as_deref()) {
        (Some(Value::String(text)), Some(media)) if !is_json(media) => Answer::Text { media, text },
        (Some(example), Some(_)) => Answer::Json(example.clone()),
        _ => Answer::Empty,
    };
    (op.status, answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn table_of(definitions: Value, schema: Value) -> Table {
        let text = json!({
            "definitions": definitions,
            "operations": [{
                "id": "things_create", "method": "POST", "path": "/v2/things/{thing_id}",
                "params": {"thing_id": {"types": ["integer"]}}, "status": 201,
                "media": "application/json", "example": {"thing": {"id": 1}},
                "request": {"media": "application/json", "required": true, "schema": schema}
            }]
        });
        parse(&text.to_string()).unwrap()
    }

    #[test]
    fn required_types_nullable_and_composition_are_checked() {
        let table = table_of(
            json!({"thing": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"},
                "size": {"type": "integer", "nullable": true},
                "tags": {"type": "array", "items": {"type": "string"}},
                "parent": {"$ref": "thing"},
                "target": {"oneOf": [{"type": "integer"}, {"type": "object", "required": ["slug"]}]}
            }}}),
            json!({"allOf": [{"$ref": "thing"}]}),
        );
        let check = |body: &str| table.check_body(&table.operations[0], body.as_bytes());
        assert_eq!(check(r#"{"name":"a","size":null,"tags":["x"],"target":3,"extra":true}"#), Ok(()));
        assert_eq!(check(r#"{"name":"a","target":{"slug":"s"},"parent":{"name":"b"}}"#), Ok(()));
        assert_eq!(check(r#"{"size":1}"#), Err(Some("`body.name` is required.".into())));
        assert_eq!(check(r#"{"name":1}"#), Err(Some("`body.name` must be a string.".into())));
        assert_eq!(check(r#"{"name":"a","size":1.5}"#), Err(Some("`body.size` must be an integer.".into())));
        assert_eq!(check(r#"{"name":"a","tags":[1]}"#), Err(Some("`body.tags[0]` must be a string.".into())));
        assert_eq!(check(r#"{"name":"a","parent":{}}"#), Err(Some("`body.parent.name` is required.".into())));
        assert!(check(r#"{"name":"a","target":{}}"#).unwrap_err().unwrap().contains("fits none"));
        assert_eq!(check(""), Err(Some("The request body is required.".into())));
        assert_eq!(check("{not json"), Err(None));
    }

    #[test]
    fn routes_need_the_method_literals_and_parameter_types() {
        let table = table_of(json!({}), json!({}));
        assert!(table.find("POST", "/v2/things/12").is_some());
        assert!(table.find("post", "/v2/things/12/").is_some(), "method case and a trailing slash do not matter");
        assert!(table.find("POST", "/v2/things/abc").is_none());
        assert!(table.find("GET", "/v2/things/12").is_none());
        assert!(table.find("POST", "/v2/things").is_none());
        let uuid = ParamShape { types: vec!["string".into()], uuid: true };
        assert!(uuid.accepts("fbe805e8-866b-11e6-96bf-000f53315a41") && !uuid.accepts("abc"));
    }

    #[test]
    fn the_generated_table_parses_and_names_every_operation_once() {
        let table = table();
        assert_eq!(table.operations.len(), 659, "the API's operations, as the effective spec has them");
        let ids: Vec<&str> = table.operations.iter().map(|o| o.id.as_str()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "operationIds are unique and sorted, for `operation`");
        assert_eq!(operation("imageActions_post").map(DocumentedOperation::status), Some(201));
    }
}
