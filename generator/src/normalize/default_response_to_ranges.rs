//! progenitor asserts that an operation has at most one success type and one error type, and it
//! counts a `default` response as both. Every DigitalOcean operation has a typed 2xx beside a
//! `default` error, so generation panics (`response_types.len() <= 1`).
//!
//! The pass rewrites `default` as the ranges `4XX` and `5XX`, which progenitor treats as errors
//! only. Explicit 4xx/5xx responses with the same body schema as the range are then dropped:
//! progenitor would emit them after the range arm, where they are unreachable (a rustc warning),
//! and they decode to the same type anyway.

use serde_json::Value;

use super::{operation_pointers, resolve};

/// Runs the pass over every operation of `doc`.
pub fn run(doc: &mut Value) {
    for op in operation_pointers(doc) {
        let responses_ptr = format!("{op}/responses");
        let Some(responses) = doc.pointer(&responses_ptr).and_then(Value::as_object) else { continue };
        let Some(default) = responses.get("default").cloned() else { continue };
        let has_success = responses.keys().any(|k| k.starts_with('2'));
        let has_error = responses.keys().any(|k| is_error_code(k));
        if !has_success && !has_error {
            continue;
        }
        let default_schema = body_schema(doc, &default);
        let redundant: Vec<String> = responses
            .iter()
            .filter(|(code, _)| is_error_code(code))
            .filter(|(_, r)| body_schema(doc, r) == default_schema)
            .map(|(code, _)| code.clone())
            .collect();
        let Some(responses) = doc.pointer_mut(&responses_ptr).and_then(Value::as_object_mut) else { continue };
        responses.remove("default");
        for code in redundant {
            responses.remove(&code);
        }
        for range in ["4XX", "5XX"] {
            responses.entry(range).or_insert_with(|| default.clone());
        }
    }
}

fn is_error_code(code: &str) -> bool {
    code.len() == 3 && (code.starts_with('4') || code.starts_with('5')) && code.chars().all(|c| c.is_ascii_digit())
}

fn body_schema(doc: &Value, response: &Value) -> Option<Value> {
    resolve(doc, response).pointer("/content/application~1json/schema").map(|s| resolve(doc, s).clone())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn doc() -> serde_json::Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": {
                "operationId": "x_get",
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}},
                    "404": {"$ref": "#/components/responses/err"},
                    "default": {"$ref": "#/components/responses/err"}
                }
            }}},
            "components": {
                "responses": {"err": {"description": "e", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/error"}}}}},
                "schemas": {"error": {"type": "object", "properties": {"id": {"type": "string"}}}}
            }
        })
    }

    #[test]
    fn default_becomes_ranges_and_redundant_codes_go() {
        let mut d = doc();
        super::run(&mut d);
        let responses = d.pointer("/paths/~1x/get/responses").unwrap().as_object().unwrap();
        let keys: Vec<_> = responses.keys().cloned().collect();
        assert_eq!(keys, ["200", "4XX", "5XX"]);
    }

    #[test]
    fn progenitor_panics_without_the_pass_and_generates_with_it() {
        let raw = doc();
        let spec: openapiv3::OpenAPI = serde_json::from_value(raw.clone()).unwrap();
        let without = crate::engine::try_progenitor(&spec, &crate::Settings::default());
        assert!(without.is_err(), "progenitor accepted a default beside a 2xx");
        let mut fixed = raw;
        super::run(&mut fixed);
        let spec: openapiv3::OpenAPI = serde_json::from_value(fixed).unwrap();
        crate::engine::try_progenitor(&spec, &crate::Settings::default()).unwrap();
    }

    #[test]
    fn an_operation_with_only_error_codes_gets_ranges_too() {
        let mut d = doc();
        let responses = d.pointer_mut("/paths/~1x/get/responses").unwrap().as_object_mut().unwrap();
        responses.remove("200");
        responses.insert("410".into(), json!({"$ref": "#/components/responses/err"}));
        super::run(&mut d);
        let keys: Vec<_> =
            d.pointer("/paths/~1x/get/responses").unwrap().as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["4XX", "5XX"]);
        let spec: openapiv3::OpenAPI = serde_json::from_value(d).unwrap();
        let after = prettyplease::unparse(
            &syn::parse2(crate::engine::try_progenitor(&spec, &crate::Settings::default()).unwrap()).unwrap(),
        );
        assert_eq!(after.matches("_ =>").count(), 1, "{after}");
        // Only `default`: left alone.
        let mut only = doc();
        let responses = only.pointer_mut("/paths/~1x/get/responses").unwrap().as_object_mut().unwrap();
        responses.retain(|k, _| k == "default");
        let before = only.clone();
        super::run(&mut only);
        assert_eq!(only, before);
    }
}
