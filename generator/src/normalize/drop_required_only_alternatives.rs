//! An `allOf` part that is an `anyOf` (or `oneOf`) whose branches only say which properties are
//! required is dropped.
//!
//! Upstream writes "at least one of these properties" as
//! `allOf: [{$ref: firewall}, {anyOf: [{required: [inbound_rules]}, {required: [outbound_rules]}]}]`.
//! typify turns such an `anyOf` into an enum of variants made from the branches' merged schemas,
//! and the variant that decodes first keeps only some properties: the firewall request
//! examples lost their `outbound_rules` when encoded again. The branches add no property and no
//! type, only a constraint the generated types cannot express, so dropping them leaves the
//! properties whole and the wire format unchanged; the API still checks the constraint.

use serde_json::Value;

/// Rewrites every schema of `doc` in place.
pub fn run(doc: &mut Value) {
    walk(doc);
}

fn required_only(branch: &Value) -> bool {
    branch.as_object().is_some_and(|m| {
        m.contains_key("required") && m.keys().all(|k| matches!(k.as_str(), "required" | "title" | "description"))
    })
}

fn constraint_only(part: &Value) -> bool {
    let Some(m) = part.as_object() else { return false };
    if m.len() != 1 {
        return false;
    }
    ["anyOf", "oneOf"].iter().any(|k| {
        m.get(*k)
            .and_then(Value::as_array)
            .is_some_and(|branches| !branches.is_empty() && branches.iter().all(required_only))
    })
}

fn walk(v: &mut Value) {
    super::each_schema_object(v, &mut |m| {
        if let Some(parts) = m.get_mut("allOf").and_then(Value::as_array_mut) {
            parts.retain(|p| !constraint_only(p));
        }
    });
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn a_required_only_any_of_is_dropped_from_all_of() {
        let mut schema = json!({"allOf": [
            {"$ref": "#/components/schemas/firewall"},
            {"required": ["name"]},
            {"anyOf": [
                {"required": ["inbound_rules"], "title": "Inbound Rules"},
                {"required": ["outbound_rules"], "title": "Outbound Rules"}
            ]}
        ]});
        super::run(&mut schema);
        assert_eq!(schema, json!({"allOf": [{"$ref": "#/components/schemas/firewall"}, {"required": ["name"]}]}));
    }

    #[test]
    fn alternatives_with_properties_stay() {
        let keep = json!({"allOf": [
            {"$ref": "#/components/schemas/x"},
            {"anyOf": [{"required": ["a"]}, {"properties": {"b": {"type": "string"}}}]}
        ]});
        let mut schema = keep.clone();
        super::run(&mut schema);
        assert_eq!(schema, keep);
    }
}
