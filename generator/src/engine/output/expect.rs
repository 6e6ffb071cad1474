//! What the spec says progenitor's output must contain, so that a pass which finds nothing to
//! rewrite can tell "nothing of that kind in this spec" (fine) from "progenitor's output changed
//! shape" (an error). Each question is answered from the normalized document, not from the code.

use serde_json::Value;

use crate::error::Error;
use crate::normalize::resolve;
use crate::spec::validate::operations;

/// The spec has at least one operation (every operation builds a request and a header map).
pub fn has_operations(doc: &Value) -> bool {
    !operations(doc).is_empty()
}

/// Some operation declares a path parameter whose schema is an integer.
pub fn has_integer_path_parameter(doc: &Value) -> bool {
    operations(doc).iter().any(|op| {
        [op.path_item.get("parameters"), op.item.get("parameters")]
            .into_iter()
            .flatten()
            .filter_map(Value::as_array)
            .flatten()
            .map(|p| resolve(doc, p))
            .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
            .filter_map(|p| p.get("schema"))
            .any(|s| resolve(doc, s).get("type").and_then(Value::as_str) == Some("integer"))
    })
}

/// Some response of some operation has a JSON body (progenitor decodes those with
/// `ResponseValue::from_response`).
pub fn has_json_response(doc: &Value) -> bool {
    operations(doc).iter().any(|op| {
        op.item.get("responses").and_then(Value::as_object).is_some_and(|responses| {
            responses.values().any(|r| {
                resolve(doc, r)
                    .get("content")
                    .and_then(Value::as_object)
                    .is_some_and(|c| c.keys().any(|media| media.contains("json")))
            })
        })
    })
}

/// Some schema outside parameters (a body or a component) is an array: it becomes a list field
/// of a type that derives `Deserialize`.
pub fn has_body_array(doc: &Value) -> bool {
    fn walk(v: &Value) -> bool {
        match v {
            Value::Object(m) => {
                if m.get("type").and_then(Value::as_str) == Some("array") {
                    return true;
                }
                m.iter().any(|(k, child)| k != "parameters" && k != "example" && k != "examples" && walk(child))
            }
            Value::Array(items) => items.iter().any(walk),
            _ => false,
        }
    }
    walk(doc)
}

/// The error for a pass that found nothing although `expected`.
pub fn nothing_found(pass: &'static str, looked_for: &str) -> Error {
    Error::OutputPass { pass, looked_for: looked_for.to_owned() }
}

/// `Ok` when the pass changed something or the spec gives it nothing to change.
pub fn changed(pass: &'static str, count: usize, expected: bool, looked_for: &str) -> Result<(), Error> {
    if count == 0 && expected { Err(nothing_found(pass, looked_for)) } else { Ok(()) }
}
