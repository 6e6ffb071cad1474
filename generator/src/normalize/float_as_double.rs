//! `type: number, format: float` becomes `format: double`.
//!
//! typify maps `float` to `f32`. A JSON number is a double, and the API's decimals (prices,
//! sizes, utilisations) are written as doubles: read into an `f32` they come back changed
//! (`0.00743999984115362` encodes as `0.007439999841153622`, `2.34` as `2.3399999141693115`),
//! which the documented examples show. Same wire format, no precision lost.

use serde_json::Value;

/// Rewrites every number schema of `doc` in place.
pub fn run(doc: &mut Value) {
    walk(doc);
}

fn walk(v: &mut Value) {
    super::each_schema_object(v, &mut |m| {
        if m.get("type").and_then(Value::as_str) == Some("number")
            && m.get("format").and_then(Value::as_str) == Some("float")
        {
            m.insert("format".into(), Value::String("double".into()));
        }
    });
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn floats_become_doubles_and_examples_stay() {
        let mut doc = json!({"components": {"schemas": {"size": {
            "type": "object",
            "properties": {
                "price": {"type": "number", "format": "float"},
                "count": {"type": "integer", "format": "int32"}
            },
            "example": {"type": "number", "format": "float"}
        }}}});
        super::run(&mut doc);
        let size = &doc["components"]["schemas"]["size"];
        assert_eq!(size["properties"]["price"]["format"], "double");
        assert_eq!(size["properties"]["count"]["format"], "int32");
        assert_eq!(size["example"]["format"], "float");
    }

    #[test]
    fn an_f32_changes_the_documented_value() {
        // What the pass avoids: the example's price read as an f32 is another number.
        let as_f32: f32 = serde_json::from_str("0.00743999984115362").unwrap_or_default();
        assert_ne!(serde_json::to_string(&as_f32).unwrap_or_default(), "0.00743999984115362");
        let as_f64: f64 = serde_json::from_str("0.00743999984115362").unwrap_or_default();
        assert_eq!(serde_json::to_string(&as_f64).unwrap_or_default(), "0.00743999984115362");
    }
}
