//! Checks that catch, with a precise message, what progenitor would otherwise reject with a
//! panic or a vague error.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::error::{Error, pointer};
use crate::spec::load::SpecFile;

/// The HTTP methods an OpenAPI path item may hold.
pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Validates each fragment on its own and its references against the merged document.
pub fn validate(files: &[SpecFile], merged: &Value) -> Result<(), Error> {
    let mut operation_ids: HashMap<String, (String, String)> = HashMap::new();
    for file in files {
        version(&file.path, &file.doc)?;
        for (ptr, reference) in refs(&file.doc) {
            resolve_ref(&file.path, merged, &ptr, reference)?;
        }
        for op in operations(&file.doc) {
            let id_ptr = format!("{}/operationId", op.pointer);
            let id = match op.item.get("operationId") {
                Some(Value::String(id)) if !id.is_empty() => id.clone(),
                Some(_) => return Err(Error::spec(&file.path, id_ptr, "operationId must be a non-empty string")),
                None => {
                    return Err(Error::spec(
                        &file.path,
                        op.pointer.clone(),
                        format!(
                            "{} {} has no operationId; the generated method is named after it",
                            op.method.to_uppercase(),
                            op.path
                        ),
                    ));
                }
            };
            if let Some((other_file, other_ptr)) = operation_ids.get(&id) {
                return Err(Error::spec(
                    &file.path,
                    id_ptr,
                    format!("duplicate operationId `{id}`: also used at {other_file}#{other_ptr}"),
                ));
            }
            operation_ids.insert(id, (file.path.display().to_string(), id_ptr));
            path_parameters(&file.path, merged, &op)?;
        }
    }
    Ok(())
}

fn version(path: &Path, doc: &Value) -> Result<(), Error> {
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => Ok(()),
        Some(v) if v.starts_with("3.1") => Err(Error::spec(
            path,
            "/openapi",
            format!("OpenAPI {v} is not supported: progenitor reads OpenAPI 3.0.x only; write the fragment as 3.0.3"),
        )),
        Some(v) => Err(Error::spec(path, "/openapi", format!("unsupported OpenAPI version `{v}`; expected 3.0.x"))),
        None if doc.get("swagger").is_some() => {
            Err(Error::spec(path, "/swagger", "Swagger 2.0 is not supported; convert the document to OpenAPI 3.0.x"))
        }
        None => Err(Error::spec(path, "", "missing `openapi: 3.0.x`; is this an OpenAPI document?")),
    }
}

/// One operation found under `paths`.
pub struct Operation<'a> {
    /// The path template, such as `/v2/images/{image_id}/actions`.
    pub path: &'a str,
    /// Lower-case HTTP method.
    pub method: &'a str,
    /// The operation object.
    pub item: &'a Value,
    /// The path item holding it (for path-level parameters).
    pub path_item: &'a Value,
    /// JSON pointer to the operation object.
    pub pointer: String,
}

/// Every operation of a document, in document order.
pub fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else { return out };
    for (path, path_item) in paths {
        for method in METHODS {
            if let Some(item) = path_item.get(method) {
                out.push(Operation {
                    path,
                    method,
                    item,
                    path_item,
                    pointer: pointer(["paths", path.as_str(), method]),
                });
            }
        }
    }
    out
}

/// Every `$ref` in a document, with the pointer of the object holding it.
pub fn refs(doc: &Value) -> Vec<(String, &str)> {
    fn walk<'a>(v: &'a Value, at: &mut Vec<String>, out: &mut Vec<(String, &'a str)>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push((pointer(at.iter().map(String::as_str)), r.as_str()));
                }
                for (k, child) in m {
                    at.push(k.clone());
                    walk(child, at, out);
                    at.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    at.push(i.to_string());
                    walk(child, at, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, &mut Vec::new(), &mut out);
    out
}

/// Resolves a local `$ref` (`#/...`) in `doc`, or explains why it cannot be resolved.
pub fn resolve_ref<'a>(file: &Path, doc: &'a Value, at: &str, reference: &str) -> Result<&'a Value, Error> {
    let Some(target) = reference.strip_prefix('#') else {
        return Err(Error::spec(
            file,
            at,
            format!("$ref `{reference}` points into another file; bundle it first (`cargo xtask vendor`)"),
        ));
    };
    let decoded = percent_decode(target);
    doc.pointer(&decoded)
        .ok_or_else(|| Error::spec(file, at, format!("$ref `{reference}` points to nothing: no value at `{decoded}`")))
}

// JSON pointers inside URI fragments may be percent-encoded (`%7B` for `{`).
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// progenitor panics when a path parameter is not in the template; say which one instead.
fn path_parameters(file: &Path, doc: &Value, op: &Operation<'_>) -> Result<(), Error> {
    let template: Vec<&str> =
        op.path.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)).collect();
    let mut declared = Vec::new();
    let lists = [
        (op.path_item.get("parameters"), pointer(["paths", op.path, "parameters"])),
        (op.item.get("parameters"), format!("{}/parameters", op.pointer)),
    ];
    for (list, list_ptr) in lists {
        let Some(Value::Array(params)) = list else { continue };
        for (i, p) in params.iter().enumerate() {
            let ptr = format!("{list_ptr}/{i}");
            let p = match p.get("$ref").and_then(Value::as_str) {
                Some(r) => resolve_ref(file, doc, &ptr, r)?,
                None => p,
            };
            if p.get("in").and_then(Value::as_str) != Some("path") {
                continue;
            }
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            if !template.contains(&name) {
                return Err(Error::spec(
                    file,
                    ptr,
                    format!("path parameter `{name}` does not appear in the path `{}`", op.path),
                ));
            }
            declared.push(name.to_owned());
        }
    }
    if let Some(missing) = template.iter().find(|t| !declared.iter().any(|d| d == *t)) {
        return Err(Error::spec(
            file,
            op.pointer.clone(),
            format!("`{{{missing}}}` in the path `{}` is not declared as a path parameter", op.path),
        ));
    }
    Ok(())
}
