//! Reading spec files (YAML or JSON) into JSON values, and merging several fragments into one
//! document.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{Error, pointer};

/// One spec file as read from disk.
#[derive(Clone, Debug)]
pub struct SpecFile {
    /// Where it came from, as given by the caller (kept relative so messages and headers do not
    /// carry a machine's absolute paths).
    pub path: PathBuf,
    /// The raw bytes, hashed into the generated file's header.
    pub bytes: Vec<u8>,
    /// The parsed document.
    pub doc: Value,
}

/// Reads and parses one file. YAML is a superset of JSON, so one parser serves both.
pub fn read(path: &Path) -> Result<SpecFile, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
    let doc = parse(path, &bytes)?;
    Ok(SpecFile { path: path.to_owned(), bytes, doc })
}

/// Parses YAML or JSON text; `path` only labels errors.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Value, Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| Error::Syntax {
        path: path.to_owned(),
        line: None,
        column: None,
        message: format!("not UTF-8: {e}"),
    })?;
    let mut yaml: serde_yaml::Value = serde_yaml::from_str::<Loose>(text).map(|l| l.0).map_err(|e| {
        let loc = e.location();
        Error::Syntax {
            path: path.to_owned(),
            line: loc.as_ref().map(|l| l.line()),
            column: loc.as_ref().map(|l| l.column()),
            message: e.to_string(),
        }
    })?;
    yaml.apply_merge().map_err(|e| Error::Syntax {
        path: path.to_owned(),
        line: None,
        column: None,
        message: e.to_string(),
    })?;
    to_json(path, &yaml, &mut Vec::new())
}

/// A YAML value like `serde_yaml::Value`, except that an integer beyond 64 bits (upstream's
/// Databases models have `maximum: 18446744073709552000`) becomes the nearest double instead of
/// failing the whole file. That number is how JavaScript prints 2^64, so the double is exactly
/// the value written and prints back as the same digits.
struct Loose(serde_yaml::Value);

impl<'de> serde::Deserialize<'de> for Loose {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LooseVisitor).map(Loose)
    }
}

struct LooseVisitor;

impl<'de> serde::de::Visitor<'de> for LooseVisitor {
    type Value = serde_yaml::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Self::Value, E> {
        Ok(match i64::try_from(v) {
            Ok(i) => serde_yaml::Value::Number(i.into()),
            Err(_) => serde_yaml::Value::Number((v as f64).into()),
        })
    }
    fn visit_u128<E>(self, v: u128) -> Result<Self::Value, E> {
        Ok(match u64::try_from(v) {
            Ok(u) => serde_yaml::Value::Number(u.into()),
            Err(_) => serde_yaml::Value::Number((v as f64).into()),
        })
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(v.into()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(LooseVisitor)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Loose(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(serde_yaml::Value::Sequence(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = serde_yaml::Mapping::new();
        while let Some((Loose(k), Loose(v))) = map.next_entry()? {
            out.insert(k, v);
        }
        Ok(serde_yaml::Value::Mapping(out))
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        use serde::de::VariantAccess;
        let (tag, variant): (String, _) = data.variant()?;
        let Loose(value) = variant.newtype_variant()?;
        Ok(serde_yaml::Value::Tagged(Box::new(serde_yaml::value::TaggedValue {
            tag: serde_yaml::value::Tag::new(tag),
            value,
        })))
    }
}

// YAML allows non-string keys (an unquoted `200:` is an integer); OpenAPI means them as strings.
fn to_json(path: &Path, v: &serde_yaml::Value, at: &mut Vec<String>) -> Result<Value, Error> {
    use serde_yaml::Value as Y;
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f).map(Value::Number).ok_or_else(|| {
                    Error::spec(path, pointer(at.iter().map(String::as_str)), format!("{f} is not a JSON number"))
                })?
            }
        }
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                at.push(i.to_string());
                out.push(to_json(path, item, at)?);
                at.pop();
            }
            Value::Array(out)
        }
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, item) in m {
                let key = match k {
                    Y::String(s) => s.clone(),
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    _ => {
                        return Err(Error::spec(
                            path,
                            pointer(at.iter().map(String::as_str)),
                            "a mapping key is not a scalar",
                        ));
                    }
                };
                at.push(key.clone());
                let value = to_json(path, item, at)?;
                at.pop();
                out.insert(key, value);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => to_json(path, &t.value, at)?,
    })
}

/// Merges fragments into one document: `paths` and each `components` section are unions.
/// The same path item or component in two fragments must be identical; otherwise the merge
/// fails naming both files, because silently picking one would generate a client that is
/// wrong for the other.
pub fn merge(files: &[SpecFile]) -> Result<Value, Error> {
    let Some(first) = files.first() else {
        return Err(Error::spec("openapi", "", "no spec files given"));
    };
    let mut merged = first.doc.clone();
    // Where each merged entry came from, to name both files in a conflict.
    let mut origin: std::collections::HashMap<String, &Path> = std::collections::HashMap::new();
    for entry in entries(&first.doc) {
        origin.insert(entry, &first.path);
    }
    for file in &files[1..] {
        for ptr in entries(&file.doc) {
            let incoming = file.doc.pointer(&ptr).cloned().unwrap_or(Value::Null);
            match merged.pointer(&ptr) {
                Some(existing) if *existing == incoming => {}
                Some(_) => {
                    let other = origin.get(&ptr).map(|p| p.display().to_string()).unwrap_or_default();
                    return Err(Error::spec(
                        &file.path,
                        ptr.clone(),
                        format!(
                            "defined differently in {other}; a shared definition must be identical in every fragment"
                        ),
                    ));
                }
                None => {
                    insert_at(&mut merged, &ptr, incoming);
                    origin.insert(ptr, &file.path);
                }
            }
        }
        for key in ["tags", "security"] {
            if let Some(Value::Array(extra)) = file.doc.get(key) {
                let list = merged.as_object_mut().map(|m| m.entry(key).or_insert_with(|| Value::Array(Vec::new())));
                if let Some(Value::Array(list)) = list {
                    for item in extra {
                        if !list.contains(item) {
                            list.push(item.clone());
                        }
                    }
                }
            }
        }
    }
    Ok(merged)
}

// The mergeable entries of a document as JSON pointers: each path item and each component.
fn entries(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        out.extend(paths.keys().map(|p| pointer(["paths", p.as_str()])));
    }
    if let Some(components) = doc.get("components").and_then(Value::as_object) {
        for (section, items) in components {
            if let Some(items) = items.as_object() {
                out.extend(items.keys().map(|k| pointer(["components", section.as_str(), k.as_str()])));
            }
        }
    }
    out
}

fn insert_at(doc: &mut Value, ptr: &str, value: Value) {
    let tokens: Vec<String> = ptr.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect();
    let mut cur = doc;
    for token in &tokens[..tokens.len() - 1] {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        cur = cur
            .as_object_mut()
            .map(|m| m.entry(token.clone()).or_insert_with(|| Value::Object(Map::new())))
            .expect("just made an object");
    }
    if let Some(m) = cur.as_object_mut() {
        m.insert(tokens[tokens.len() - 1].clone(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> SpecFile {
        let path = PathBuf::from(name);
        SpecFile { doc: parse(&path, text.as_bytes()).unwrap(), bytes: text.as_bytes().to_vec(), path }
    }

    #[test]
    fn integer_keys_become_strings() {
        let doc = parse(Path::new("a.yaml"), b"responses:\n  200: {description: ok}\n").unwrap();
        assert!(doc.pointer("/responses/200").is_some());
    }

    #[test]
    fn an_integer_beyond_64_bits_keeps_its_value_and_the_file_loads() {
        let doc = parse(Path::new("big.yaml"), b"a:\n  maximum: 18446744073709552000\n  minimum: 0\nb: x\n").unwrap();
        assert_eq!(doc.pointer("/a/maximum").and_then(Value::as_f64), Some(18446744073709552000.0));
        assert_eq!(doc.pointer("/a/minimum"), Some(&Value::from(0)));
        assert_eq!(doc["b"], "x");
        let doc = parse(Path::new("big.yaml"), b"m: -18446744073709552000\n").unwrap();
        assert_eq!(doc["m"].as_f64(), Some(-18446744073709552000.0));
    }

    #[test]
    fn tags_and_merge_keys_still_load() {
        let doc = parse(Path::new("t.yaml"), b"base: &b {x: 1}\nc: {<<: *b, y: !thing 2}\n").unwrap();
        assert_eq!(doc["c"], serde_json::json!({"x": 1, "y": 2}));
    }

    #[test]
    fn syntax_error_names_line_and_column() {
        let err = parse(Path::new("bad.yaml"), b"a: 1\nb: [1, 2\n").unwrap_err().to_string();
        assert!(err.starts_with("bad.yaml:"), "{err}");
        assert!(err.contains("syntax error"), "{err}");
        match parse(Path::new("bad.yaml"), b"a: 1\nb: [1, 2\n").unwrap_err() {
            Error::Syntax { line: Some(_), column: Some(_), .. } => {}
            other => panic!("no location: {other:?}"),
        }
    }

    #[test]
    fn merge_unions_paths_and_components() {
        let a = file("a.yaml", "paths: {/a: {}}\ncomponents: {schemas: {x: {type: string}}}");
        let b = file("b.yaml", "paths: {/b: {}}\ncomponents: {schemas: {x: {type: string}, y: {type: integer}}}");
        let m = merge(&[a, b]).unwrap();
        assert!(m.pointer("/paths/~1a").is_some() && m.pointer("/paths/~1b").is_some());
        assert!(m.pointer("/components/schemas/y").is_some());
    }

    #[test]
    fn merge_refuses_conflicting_component() {
        let a = file("a.yaml", "components: {schemas: {x: {type: string}}}");
        let b = file("b.yaml", "components: {schemas: {x: {type: integer}}}");
        let err = merge(&[a, b]).unwrap_err().to_string();
        assert!(err.contains("b.yaml") && err.contains("a.yaml") && err.contains("/components/schemas/x"), "{err}");
    }
}
