//! Rewrites that make a DigitalOcean-style OpenAPI document acceptable to progenitor 0.15
//! without changing what it means on the wire.
//!
//! Each pass works around one progenitor (or typify) limitation, lives in its own module named
//! after what it does, and has a test that fails without it. They run on the merged JSON
//! document, after validation and before progenitor sees it, in the order below.

use serde_json::Value;

pub mod bare_format_strings;
pub mod constraints_as_docs;
pub mod default_response_to_ranges;
pub mod drop_required_only_alternatives;
pub mod float_as_double;
pub mod inline_property_refs;
pub mod one_body_type_per_outcome;
pub mod open_response_enums;
pub mod tag_discriminated_bodies;

pub use open_response_enums::OpenEnum;

/// What the passes learned that the emitter needs.
#[derive(Debug, Default)]
pub struct Normalized {
    /// String enums that the emitter replaces with open enums (an `Unknown(String)` arm).
    pub open_enums: Vec<OpenEnum>,
}

/// Runs every pass over `doc`, in place.
pub fn normalize(doc: &mut Value) -> Normalized {
    passes(doc, true)
}

/// Every pass but [`constraints_as_docs`], for a mock server or a validator (Prism) reading
/// the document: the constraints are the server's rules, which it applies to requests and its
/// made-up answers follow, while the SDK's types leave them to the server.
pub fn normalize_keeping_constraints(doc: &mut Value) -> Normalized {
    passes(doc, false)
}

fn passes(doc: &mut Value, constraints_as_docs: bool) -> Normalized {
    inline_property_refs::run(doc);
    float_as_double::run(doc);
    if constraints_as_docs {
        constraints_as_docs::run(doc);
    }
    bare_format_strings::run(doc);
    drop_required_only_alternatives::run(doc);
    tag_discriminated_bodies::run(doc);
    default_response_to_ranges::run(doc);
    one_body_type_per_outcome::run(doc);
    let open_enums = open_response_enums::run(doc);
    Normalized { open_enums }
}

/// Calls `f` on every object of `v`, outermost first, except inside example payloads (`example`,
/// `examples`), which are data, not schemas.
pub(crate) fn each_schema_object(v: &mut Value, f: &mut impl FnMut(&mut serde_json::Map<String, Value>)) {
    match v {
        Value::Object(m) => {
            f(m);
            for (k, child) in m.iter_mut() {
                if k != "example" && k != "examples" {
                    each_schema_object(child, f);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|child| each_schema_object(child, f)),
        _ => {}
    }
}

/// Resolves a local `#/...` reference, following chains of whole-object `$ref`s.
pub(crate) fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    let mut cur = v;
    for _ in 0..32 {
        match cur.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
            Some(ptr) => match doc.pointer(ptr) {
                Some(next) => cur = next,
                None => return cur,
            },
            None => return cur,
        }
    }
    cur
}

/// Every operation object of `doc` as a JSON pointer.
pub(crate) fn operation_pointers(doc: &Value) -> Vec<String> {
    crate::spec::validate::operations(doc).into_iter().map(|op| op.pointer).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn doc() -> serde_json::Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"action": {
                "type": "object",
                "properties": {"id": {"type": "integer", "format": "int64", "minimum": 1}}
            }}}
        })
    }

    #[test]
    fn a_validator_keeps_the_constraints_the_generated_types_leave_to_the_server() {
        let mut for_types = doc();
        super::normalize(&mut for_types);
        assert!(for_types.pointer("/components/schemas/action/properties/id/minimum").is_none(), "{for_types}");
        let mut for_validator = doc();
        super::normalize_keeping_constraints(&mut for_validator);
        assert_eq!(for_validator.pointer("/components/schemas/action/properties/id/minimum"), Some(&json!(1)));
    }
}
