//! The vendored document as YAML text, in one fixed order so the same input gives the same bytes.

use serde_json::Value;

use crate::error::Error;

// The usual reading order of an OpenAPI document; other top-level keys follow, sorted.
const TOP_LEVEL: &[&str] = &["openapi", "info", "servers", "tags", "paths", "components", "security"];

/// `doc` as YAML, after `header` (each of its lines becomes a `#` comment).
pub fn to_yaml(doc: &Value, header: &str) -> Result<String, Error> {
    let mut top = serde_yaml::Mapping::new();
    if let Value::Object(m) = doc {
        let mut keys: Vec<&String> = m.keys().collect();
        keys.sort_by_key(|k| (TOP_LEVEL.iter().position(|t| t == k).unwrap_or(TOP_LEVEL.len()), k.as_str()));
        for k in keys {
            top.insert(serde_yaml::Value::String(k.clone()), yaml(&m[k]));
        }
    }
    let body = serde_yaml::to_string(&serde_yaml::Value::Mapping(top))
        .map_err(|e| Error::Emit { message: format!("could not write YAML: {e}") })?;
    let comment: String =
        header.lines().map(|l| if l.is_empty() { "#\n".to_owned() } else { format!("# {l}\n") }).collect();
    Ok(format!("{comment}{body}"))
}

// Keys sorted at every level below the top.
fn yaml(v: &Value) -> serde_yaml::Value {
    use serde_yaml::Value as Y;
    match v {
        Value::Null => Y::Null,
        Value::Bool(b) => Y::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Y::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Y::Number(u.into())
            } else {
                Y::Number(n.as_f64().unwrap_or(0.0).into())
            }
        }
        Value::String(s) => Y::String(s.clone()),
        Value::Array(items) => Y::Sequence(items.iter().map(yaml).collect()),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Y::Mapping(keys.into_iter().map(|k| (Y::String(k.clone()), yaml(&m[k]))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn header_then_fixed_order() {
        let doc = json!({"paths": {"/b": {}, "/a": {}}, "openapi": "3.0.3", "info": {"version": "1", "title": "t"}});
        let text = super::to_yaml(&doc, "made by a test\n\nsecond").unwrap();
        let expected = "# made by a test\n#\n# second\nopenapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n  /a: {}\n  /b: {}\n";
        assert_eq!(text, expected);
    }
}
