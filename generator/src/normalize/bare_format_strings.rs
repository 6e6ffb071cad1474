//! typify applies a conversion (`Settings::timestamp_type`, `Settings::text_formats`) only to a
//! schema equal to the one given, metadata aside: an extension beside the format (upstream's
//! `x-order` on a `date-time`) keeps that field the strict type the conversion replaces
//! (`chrono::DateTime`, `uuid::Uuid`). The extensions of a string schema with a format are
//! removed; typify ignores them anyway but for `x-rust-type`, which upstream never uses.

use serde_json::Value;

/// Rewrites every string schema with a format in place.
pub fn run(doc: &mut Value) {
    super::each_schema_object(doc, &mut |m| {
        if m.get("type").and_then(Value::as_str) == Some("string") && m.get("format").is_some_and(Value::is_string) {
            m.retain(|key, _| !key.starts_with("x-"));
        }
    });
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
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"created_at": {"type": "string", "format": "date-time", "x-order": 10}}
                }}}}}
            }}},
            "components": {"schemas": {}}
        })
    }

    #[test]
    fn an_extension_beside_a_format_no_longer_stops_the_conversion() {
        let settings = crate::Settings { timestamp_type: Some("crate::Timestamp".into()), ..Default::default() };
        let strict = crate::engine::emit_tokens(&doc(), &[], &[], &settings).unwrap();
        assert!(strict.contains("chrono"), "typify converts it now: {strict}");
        let mut d = doc();
        super::run(&mut d);
        let code = crate::engine::emit_tokens(&d, &[], &[], &settings).unwrap();
        assert!(code.contains("crate::Timestamp") && !code.contains("chrono"), "{code}");
    }
}
