//! typify resolves a `$ref` only when it names a whole component
//! (`#/components/schemas/region`); a reference into a component
//! (`#/components/schemas/region/properties/slug`) makes it panic with "unresolved reference".
//! DigitalOcean's spec uses such references for shared attributes.
//!
//! The pass replaces each such reference with a copy of what it points to.

use serde_json::Value;

/// Runs the pass over the whole document.
pub fn run(doc: &mut Value) {
    let snapshot = doc.clone();
    inline(&snapshot, doc, 0);
}

fn is_deep_schema_ref(r: &str) -> bool {
    r.strip_prefix("#/components/schemas/").is_some_and(|rest| rest.contains('/'))
}

fn inline(snapshot: &Value, v: &mut Value, depth: usize) {
    // A chain of deep refs deeper than this is a cycle; leave it for validation to report.
    if depth > 32 {
        return;
    }
    if let Some(target) =
        v.get("$ref").and_then(Value::as_str).filter(|r| is_deep_schema_ref(r)).and_then(|r| snapshot.pointer(&r[1..]))
    {
        *v = target.clone();
        inline(snapshot, v, depth + 1);
        return;
    }
    match v {
        Value::Object(m) => m.values_mut().for_each(|c| inline(snapshot, c, depth)),
        Value::Array(items) => items.iter_mut().for_each(|c| inline(snapshot, c, depth)),
        _ => {}
    }
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
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/thing"}}}}}
            }}},
            "components": {"schemas": {
                "region": {"type": "object", "properties": {"slug": {"type": "string", "description": "s"}}},
                "thing": {"type": "object", "properties": {"where": {"$ref": "#/components/schemas/region/properties/slug"}}}
            }}
        })
    }

    #[test]
    fn deep_refs_are_inlined_and_whole_refs_kept() {
        let mut d = doc();
        super::run(&mut d);
        assert_eq!(
            d.pointer("/components/schemas/thing/properties/where"),
            Some(&json!({"type": "string", "description": "s"}))
        );
        assert!(d.pointer("/paths/~1x/get/responses/200/content/application~1json/schema/$ref").is_some());
    }

    #[test]
    fn progenitor_fails_without_the_pass_and_generates_with_it() {
        let spec: openapiv3::OpenAPI = serde_json::from_value(doc()).unwrap();
        assert!(crate::engine::try_progenitor(&spec, &crate::Settings::default()).is_err());
        let mut d = doc();
        super::run(&mut d);
        let spec: openapiv3::OpenAPI = serde_json::from_value(d).unwrap();
        crate::engine::try_progenitor(&spec, &crate::Settings::default()).unwrap();
    }
}
