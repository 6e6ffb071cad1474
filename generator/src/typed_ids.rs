//! Typed ids on the way out: an integer property (an action's `id`) becomes a component of its
//! own named after the crate's id type, and progenitor replaces that component with the type.
//! Users then get an `ActionId` where the spec says "integer", so ids of two resources cannot be
//! swapped, without converting by hand.

use serde_json::{Map, Value};

use crate::TypedId;
use crate::error::Error;

/// A component that progenitor is to replace: its Rust name and the replacing type's path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replacement {
    /// The component's name, which is also the Rust name progenitor gives it.
    pub rust_name: String,
    /// The absolute path of the type that replaces it.
    pub rust_path: String,
}

/// Moves each typed property into a component named after its type, referenced from the
/// property, and returns the replacements for progenitor. A schema the document does not have
/// is passed over (a spec with fewer resources); a property that does not exist in a schema
/// that does, or is not an integer, is an error that names it: a setting that silently does
/// nothing would hand users raw integers again.
pub fn apply(doc: &mut Value, ids: &[TypedId]) -> Result<Vec<Replacement>, Error> {
    let mut out = Vec::new();
    for id in ids {
        if doc.pointer(&format!("/components/schemas/{}", id.schema)).is_none() {
            continue;
        }
        let rust_name = id.rust_path.rsplit("::").next().unwrap_or(&id.rust_path).to_owned();
        let pointer = format!("/components/schemas/{}/properties/{}", id.schema, id.property);
        let property = doc.pointer_mut(&pointer).ok_or_else(|| {
            Error::spec("openapi (merged)", &pointer, format!("typed id `{}`: no such property", id.rust_path))
        })?;
        if property.get("type").and_then(Value::as_str) != Some("integer") {
            return Err(Error::spec(
                "openapi (merged)",
                &pointer,
                format!("typed id `{}`: the property is not an integer", id.rust_path),
            ));
        }
        let target = format!("#/components/schemas/{rust_name}");
        let schema = std::mem::replace(property, Value::Object(Map::from_iter([("$ref".into(), target.into())])));
        let schemas = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .ok_or_else(|| Error::spec("openapi (merged)", "/components/schemas", "not an object"))?;
        match schemas.get(&rust_name) {
            // Two properties may share one id type (an image's id and a transfer's image id).
            Some(existing) if existing == &schema => {}
            Some(_) => {
                return Err(Error::spec(
                    "openapi (merged)",
                    format!("/components/schemas/{rust_name}"),
                    format!("typed id `{}`: the component exists with another schema", id.rust_path),
                ));
            }
            None => {
                schemas.insert(rust_name.clone(), schema);
            }
        }
        let replacement = Replacement { rust_name, rust_path: id.rust_path.clone() };
        if !out.contains(&replacement) {
            out.push(replacement);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn typed(schema: &str, property: &str, rust_path: &str) -> TypedId {
        TypedId { schema: schema.into(), property: property.into(), rust_path: rust_path.into() }
    }

    fn spec() -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "2.0"},
            "paths": {"/a": {"get": {"operationId": "a_get", "responses": {"200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/action"}}}
            }}}}},
            "components": {"schemas": {"action": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "integer", "format": "int64", "minimum": 1}}
            }}}
        })
    }

    #[test]
    fn the_property_is_generated_as_the_replacing_type() {
        let generate = |ids: &[TypedId]| {
            let mut doc = spec();
            let typed = apply(&mut doc, ids).unwrap();
            crate::emit::emit_tokens(&doc, &[], &typed, &crate::Settings::default()).unwrap()
        };
        assert!(generate(&[]).contains("pub id: ::std::num::NonZeroU64"));
        let code = generate(&[typed("action", "id", "crate::ids::ActionId")]);
        assert!(code.contains("pub id: crate::ids::ActionId"), "{code}");
    }

    #[test]
    fn a_missing_or_non_integer_property_is_an_error() {
        assert_eq!(apply(&mut spec(), &[typed("droplet", "id", "crate::X")]).unwrap(), []);
        let err = apply(&mut spec(), &[typed("action", "nope", "crate::X")]).unwrap_err().to_string();
        assert!(
            err.contains("/components/schemas/action/properties/nope") && err.contains("no such property"),
            "{err}"
        );
        let mut doc = spec();
        doc["components"]["schemas"]["action"]["properties"]["id"] = json!({"type": "string"});
        let err = apply(&mut doc, &[typed("action", "id", "crate::X")]).unwrap_err().to_string();
        assert!(err.contains("not an integer"), "{err}");
    }
}
