//! progenitor 0.15 gives an operation one success type and one error type: when the success
//! responses (or the error responses) of an operation carry different bodies, generation panics
//! (`assert!(response_types.len() <= 1)` in progenitor-impl's method.rs). Upstream has such
//! operations: a 400 with its own error body beside the common error of `4XX`/`5XX` (made from
//! `default` by `default_response_to_ranges`), or a bodyless 403 beside them.
//!
//! Dropping the responses that disagree (what rsdo does) would lose what upstream says. The
//! pass keeps every response and every body, and gives each group (success, error) one type:
//! - JSON bodies that differ: every response of the group gets one body, a named `oneOf` of the
//!   distinct bodies (`<operationId>_success_body` / `<operationId>_error_body`), in status
//!   order, so a specific code's body is tried before a range's. progenitor makes it an
//!   untagged enum whose variants are the original types: a body decodes as the first that
//!   accepts it.
//! - JSON bodies beside bodyless or non-JSON responses: no single JSON type can read an empty
//!   or non-JSON body, so every response of the group is handed over raw
//!   (`application/octet-stream`: progenitor's byte stream), with its status. Nothing is
//!   guessed and nothing is dropped; the caller decodes the bytes.
//!
//! A response shared through `$ref` is copied into the operation before it is changed, so other
//! operations keep theirs. Once a group shares one body, an exact code that a range of the
//! group covers (`409` beside `4XX`) says nothing the range does not: progenitor would match the
//! range first and emit the code's arm unreachable (a rustc warning), so it is folded into the
//! range, as `default_response_to_ranges` does. Its body is still one of the enum's variants.

use serde_json::{Map, Value, json};

use super::{operation_pointers, resolve};

/// Runs the pass over every operation of `doc`.
pub fn run(doc: &mut Value) {
    for op in operation_pointers(doc) {
        let responses_ptr = format!("{op}/responses");
        let Some(responses) = doc.pointer(&responses_ptr).and_then(Value::as_object).cloned() else { continue };
        let id = doc.pointer(&format!("{op}/operationId")).and_then(Value::as_str).unwrap_or("operation").to_owned();
        for (group, member) in [("success", is_success as fn(&str) -> bool), ("error", is_error)] {
            // progenitor counts `default` in both groups; so does the pass.
            let mut codes: Vec<&String> = responses.keys().filter(|c| member(c) || c.as_str() == "default").collect();
            codes.sort_by_key(|c| status_order(c));
            let bodies: Vec<Body> = codes.iter().map(|c| body(doc, &responses[c.as_str()])).collect();
            let mut distinct: Vec<&Body> = Vec::new();
            for b in &bodies {
                if !distinct.contains(&b) {
                    distinct.push(b);
                }
            }
            if distinct.len() <= 1 {
                continue;
            }
            let content = if distinct.iter().all(|b| matches!(b, Body::Json(_))) {
                let variants: Vec<Value> = distinct
                    .iter()
                    .filter_map(|b| if let Body::Json(s) = b { Some(s.clone()) } else { None })
                    .collect();
                let name = free_name(doc, &format!("{id}_{group}_body"));
                if let Some(schemas) = schemas_mut(doc) {
                    schemas.insert(name.clone(), json!({ "oneOf": variants }));
                }
                json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}})
            } else {
                json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}})
            };
            let ranges: Vec<&String> = codes.iter().copied().filter(|c| c.ends_with("XX")).collect();
            for code in codes {
                let covered = code.len() == 3
                    && code.chars().all(|c| c.is_ascii_digit())
                    && ranges.iter().any(|r| r.as_bytes()[0] == code.as_bytes()[0]);
                if covered {
                    if let Some(m) = doc.pointer_mut(&responses_ptr).and_then(Value::as_object_mut) {
                        m.remove(code.as_str());
                    }
                    continue;
                }
                let mut response = resolve(doc, &responses[code.as_str()]).clone();
                if let Some(m) = response.as_object_mut() {
                    m.insert("content".into(), content.clone());
                }
                if let Some(slot) = doc.pointer_mut(&format!("{responses_ptr}/{}", crate::error::escape_token(code))) {
                    *slot = response;
                }
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Body {
    /// No content.
    None,
    /// Content, none of it JSON.
    Raw,
    /// The JSON body's schema, as written (a `$ref` stays one, so the same component is the
    /// same body).
    Json(Value),
}

fn body(doc: &Value, response: &Value) -> Body {
    let response = resolve(doc, response);
    let Some(content) = response.get("content").and_then(Value::as_object).filter(|c| !c.is_empty()) else {
        return Body::None;
    };
    content
        .iter()
        .find(|(media, _)| *media == "application/json" || media.starts_with("application/json;"))
        .map(|(_, m)| Body::Json(m.get("schema").cloned().unwrap_or(Value::Null)))
        .unwrap_or(Body::Raw)
}

fn is_success(code: &str) -> bool {
    code.starts_with('2')
}

fn is_error(code: &str) -> bool {
    code.starts_with('4') || code.starts_with('5')
}

// Exact codes before their range (`400` before `4XX`), `default` last.
fn status_order(code: &str) -> (u8, String) {
    match code {
        "default" => (2, String::new()),
        c if c.ends_with("XX") => (1, c.to_owned()),
        c => (0, c.to_owned()),
    }
}

fn schemas_mut(doc: &mut Value) -> Option<&mut Map<String, Value>> {
    let root = doc.as_object_mut()?;
    let components = root.entry("components").or_insert_with(|| json!({}));
    components.as_object_mut()?.entry("schemas").or_insert_with(|| json!({})).as_object_mut()
}

fn free_name(doc: &Value, base: &str) -> String {
    let taken = |n: &str| doc.pointer(&format!("/components/schemas/{}", crate::error::escape_token(n))).is_some();
    if !taken(base) {
        return base.to_owned();
    }
    (2..).map(|i| format!("{base}_{i}")).find(|n| !taken(n)).unwrap_or_else(|| base.to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn doc(responses: serde_json::Value) -> serde_json::Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"post": {"operationId": "x_post", "responses": responses}}},
            "components": {
                "schemas": {
                    "error": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
                    "special_error": {"type": "object", "required": ["root_causes"], "properties": {"root_causes": {"type": "array", "items": {"type": "string"}}}},
                    "thing": {"type": "object", "properties": {"a": {"type": "string"}}}
                },
                "responses": {"unexpected": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/error"}}}}}
            }
        })
    }

    fn json_body(schema: &str) -> serde_json::Value {
        json!({"description": "", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
    }

    fn generates(doc: &serde_json::Value) -> Result<String, crate::Error> {
        let spec: openapiv3::OpenAPI = serde_json::from_value(doc.clone()).unwrap();
        crate::engine::try_progenitor(&spec, &crate::Settings::default()).map(|t| t.to_string())
    }

    #[test]
    fn two_error_bodies_become_one_enum_of_both() {
        let mut d = doc(json!({
            "201": json_body("thing"),
            "400": json_body("special_error"),
            "4XX": {"$ref": "#/components/responses/unexpected"},
            "5XX": {"$ref": "#/components/responses/unexpected"}
        }));
        let err = generates(&d).unwrap_err().to_string();
        assert!(err.contains("response_types.len() <= 1"), "{err}");
        super::run(&mut d);
        assert_eq!(
            d.pointer("/components/schemas/x_post_error_body").unwrap(),
            &json!({"oneOf": [{"$ref": "#/components/schemas/special_error"}, {"$ref": "#/components/schemas/error"}]})
        );
        for code in ["4XX", "5XX"] {
            let schema =
                d.pointer(&format!("/paths/~1x/post/responses/{code}/content/application~1json/schema")).unwrap();
            assert_eq!(schema, &json!({"$ref": "#/components/schemas/x_post_error_body"}), "{code}");
        }
        // `400` now reads as `4XX` does: folded into the range rather than left unreachable.
        assert!(d.pointer("/paths/~1x/post/responses/400").is_none());
        // The shared response is copied, not changed; the success body is untouched.
        assert_eq!(
            d.pointer("/components/responses/unexpected"),
            doc(json!({})).pointer("/components/responses/unexpected")
        );
        assert_eq!(d.pointer("/paths/~1x/post/responses/201"), Some(&json_body("thing")));
        let code = generates(&d).unwrap();
        assert!(code.contains("XPostErrorBody"), "{code}");
    }

    #[test]
    fn a_bodyless_error_beside_json_ones_makes_the_errors_raw() {
        let mut d = doc(json!({
            "200": {"description": ""},
            "403": {"description": ""},
            "4XX": {"$ref": "#/components/responses/unexpected"}
        }));
        assert!(generates(&d).is_err());
        super::run(&mut d);
        let content = d.pointer("/paths/~1x/post/responses/4XX/content").unwrap();
        assert!(content.get("application/octet-stream").is_some(), "{content}");
        assert!(d.pointer("/paths/~1x/post/responses/403").is_none());
        // The success group had one kind (no body): left alone.
        assert_eq!(d.pointer("/paths/~1x/post/responses/200"), Some(&json!({"description": ""})));
        generates(&d).unwrap();
    }

    #[test]
    fn the_same_body_twice_is_one_type_and_left_alone() {
        let responses = json!({"200": json_body("thing"), "202": json_body("thing"), "4XX": json_body("error")});
        let mut d = doc(responses.clone());
        super::run(&mut d);
        assert_eq!(d.pointer("/paths/~1x/post/responses"), Some(&responses));
        generates(&d).unwrap();
    }

    #[test]
    fn two_success_bodies_become_one_enum() {
        let mut d = doc(json!({"200": json_body("thing"), "201": json_body("error"), "4XX": json_body("error")}));
        assert!(generates(&d).is_err());
        super::run(&mut d);
        assert!(d.pointer("/components/schemas/x_post_success_body/oneOf").is_some());
        generates(&d).unwrap();
    }
}
