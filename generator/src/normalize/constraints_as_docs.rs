//! typify enforces a schema's constraints whenever it decodes: a `pattern` or a length makes a
//! string a newtype that refuses other text, `minimum: 1` makes a number a `NonZeroU64` (a `0`
//! fails), `minimum: 0` a `u64` (a `-1` fails), `minItems` equal to `maxItems` a fixed-size
//! array (one item more or less fails), `uniqueItems` a set (duplicates vanish, order is lost)
//! and `additionalProperties: false` a struct that refuses a field the API adds. The spec is
//! stricter than the API, so one such value anywhere lost a whole response; and the same checks
//! refused requests the API accepts (a project resource's `do:reservedip:` URN).
//!
//! The pass moves every constraint out of the schemas into their description, so that rustdoc
//! still tells it and the server decides (Smithy's rule for what a server sends: shape, not
//! constraints). The one constraint kept is a parameter's `minimum`: page numbers and sizes
//! below it can never be valid, and the handles take them as the unsigned integers it gives.

use serde_json::{Map, Value};

/// The constraint keywords, with how each reads in the rustdoc (`{}`: its value).
const CONSTRAINTS: [(&str, &str); 11] = [
    ("pattern", "matches `{}`"),
    ("minLength", "at least {} characters"),
    ("maxLength", "at most {} characters"),
    ("minimum", "at least {}"),
    ("maximum", "at most {}"),
    ("exclusiveMinimum", "more than {}"),
    ("exclusiveMaximum", "less than {}"),
    ("multipleOf", "a multiple of {}"),
    ("minItems", "at least {} items"),
    ("maxItems", "at most {} items"),
    ("uniqueItems", "no item twice"),
];

/// Rewrites every schema of `doc` in place.
pub fn run(doc: &mut Value) {
    walk(doc, false);
}

// `parameter`: `v` is a parameter's schema, or inside one.
fn walk(v: &mut Value, parameter: bool) {
    match v {
        Value::Object(m) => {
            relax(m, parameter);
            for (key, child) in m.iter_mut() {
                match key.as_str() {
                    // Data, not schemas.
                    "example" | "examples" => {}
                    "parameters" => walk_parameters(child),
                    _ => walk(child, parameter),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|child| walk(child, parameter)),
        _ => {}
    }
}

// The `parameters` of an operation or a path (an array), or of `components` (a map).
fn walk_parameters(v: &mut Value) {
    let parameters: Vec<&mut Value> = match v {
        Value::Array(items) => items.iter_mut().collect(),
        Value::Object(m) => m.values_mut().collect(),
        _ => return,
    };
    for parameter in parameters {
        let Value::Object(p) = parameter else { continue };
        for (key, child) in p.iter_mut() {
            match key.as_str() {
                "example" | "examples" => {}
                "schema" => walk(child, true),
                _ => walk(child, false),
            }
        }
    }
}

// Only a keyword of the value type it takes: a property named `pattern` or `minimum` is a
// schema (an object), and stays.
fn is_constraint(key: &str, value: &Value, parameter: bool) -> bool {
    match key {
        "pattern" => value.is_string(),
        "uniqueItems" => value.is_boolean(),
        "minimum" | "exclusiveMinimum" if parameter => false,
        "exclusiveMinimum" | "exclusiveMaximum" => value.is_boolean() || value.is_number(),
        _ => value.is_number(),
    }
}

fn relax(m: &mut Map<String, Value>, parameter: bool) {
    // A string's `minimum` means nothing, and is no reason to keep a format's strict type.
    let parameter = parameter && m.get("type").and_then(Value::as_str) == Some("integer");
    let mut said = Vec::new();
    for (key, words) in CONSTRAINTS {
        let Some(value) = m.get(key) else { continue };
        if !is_constraint(key, value, parameter) {
            continue;
        }
        let value = m.remove(key).expect("present");
        match value {
            // OpenAPI 3.0's boolean `exclusiveMinimum` qualifies `minimum`, which says the bound.
            Value::Bool(true) if key.starts_with("exclusive") => said.push(format!("{key}: true")),
            Value::Bool(true) => said.push(words.to_owned()),
            Value::Bool(false) => {}
            Value::String(s) => said.push(words.replace("{}", &s)),
            other => said.push(words.replace("{}", &other.to_string())),
        }
    }
    if m.get("additionalProperties") == Some(&Value::Bool(false)) {
        m.remove("additionalProperties");
        said.push("no other properties".to_owned());
    }
    if said.is_empty() {
        return;
    }
    let note = format!("The API documents (the SDK does not check it): {}.", said.join("; "));
    let description = match m.get("description").and_then(Value::as_str) {
        Some(d) if !d.is_empty() => format!("{d}\n\n{note}"),
        _ => note,
    };
    m.insert("description".into(), Value::String(description));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn doc() -> serde_json::Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x/{cdn_id}": {"get": {
                "operationId": "x_get",
                "parameters": [
                    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
                    {"name": "cdn_id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid", "minimum": 1}}
                ],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/thing"}}}}}
            }}},
            "components": {"schemas": {
                "thing": {"type": "object", "required": ["urn", "count", "vpc_ids"], "additionalProperties": false, "properties": {
                    "urn": {"type": "string", "pattern": "^do:(droplet|volume):.*", "maxLength": 64},
                    "count": {"type": "integer", "minimum": 1},
                    "vpc_ids": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2},
                    "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
                    "pattern": {"type": "string"},
                    "minimum": {"type": "integer"}
                }, "example": {"urn": "do:droplet:1", "count": 1, "vpc_ids": ["a", "b"]}}
            }}
        })
    }

    #[test]
    fn constraints_become_rustdoc_and_parameters_keep_their_minimum() {
        let mut d = doc();
        super::run(&mut d);
        let thing = &d["components"]["schemas"]["thing"];
        let urn = &thing["properties"]["urn"];
        assert!(urn.get("pattern").is_none() && urn.get("maxLength").is_none(), "{urn}");
        assert_eq!(
            urn["description"],
            "The API documents (the SDK does not check it): matches `^do:(droplet|volume):.*`; at most 64 characters."
        );
        assert!(thing["properties"]["count"].get("minimum").is_none());
        assert!(thing["properties"]["vpc_ids"].get("minItems").is_none());
        assert!(thing["properties"]["tags"].get("uniqueItems").is_none());
        assert!(thing.get("additionalProperties").is_none());
        // Properties named like keywords are schemas, not constraints.
        assert!(thing["properties"]["pattern"].is_object() && thing["properties"]["minimum"].is_object());
        let per_page = &d["paths"]["/x/{cdn_id}"]["get"]["parameters"][0]["schema"];
        assert_eq!(per_page["minimum"], 1);
        assert!(per_page.get("maximum").is_none());
        assert!(
            d["paths"]["/x/{cdn_id}"]["get"]["parameters"][1]["schema"].get("minimum").is_none(),
            "only an integer's"
        );
    }

    #[test]
    fn without_the_pass_the_generated_types_refuse_what_the_api_sends() {
        // What typify makes of the constraints: a pattern-checked newtype, a NonZero count, a
        // fixed-size array, a struct refusing unknown fields. (`uniqueItems` gives a `Vec`
        // today; it goes too, as typify means to make it a set.)
        let settings = crate::Settings::default();
        let strict = crate::engine::emit_tokens(&doc(), &[], &[], &settings).unwrap();
        for strict_shape in ["NonZeroU64", "2usize]", "deny_unknown_fields", "doesn't match pattern"] {
            assert!(strict.contains(strict_shape), "typify no longer writes {strict_shape}: {strict}");
        }
        let mut d = doc();
        super::run(&mut d);
        let relaxed = crate::engine::emit_tokens(&d, &[], &[], &settings).unwrap();
        for strict_shape in ["2usize]", "deny_unknown_fields", "doesn't match pattern"] {
            assert!(!relaxed.contains(strict_shape), "{strict_shape} is still there: {relaxed}");
        }
        assert!(relaxed.contains("pub count: i64"), "{relaxed}");
        // The parameter's minimum stays: a page size of 0 can never be valid.
        assert_eq!(relaxed.matches("NonZeroU64").count(), strict.matches("NonZeroU64").count() - 1, "{relaxed}");
    }
}
