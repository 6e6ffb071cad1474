//! The effective document: the vendored files merged, the overlays applied, the tags chosen.
//! What `generate` works from (before the normalization passes) and what `spec` prints (after
//! them).

use std::path::Path;

use serde_json::{Value, json};

use crate::error::Error;
use crate::spec::load::SpecFile;
use crate::spec::overlay::OverlayFile;

/// The inputs, read from disk.
#[derive(Clone, Debug)]
pub struct Sources {
    /// The vendored files, `shared.yaml` first, then by name.
    pub vendored: Vec<SpecFile>,
    /// The overlays, by name.
    pub overlays: Vec<OverlayFile>,
}

impl Sources {
    /// Reads `vendored_dir/*.yaml` and `overlays_dir/*.yaml`.
    pub fn read(vendored_dir: &Path, overlays_dir: &Path) -> Result<Sources, Error> {
        let entries =
            std::fs::read_dir(vendored_dir).map_err(|source| Error::Io { path: vendored_dir.to_owned(), source })?;
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yaml"))
            .collect();
        // The shared file carries the servers and security the merge keeps from the first file.
        names.sort_by_key(|n| (n != crate::vendor::SHARED, n.clone()));
        if names.is_empty() {
            return Err(Error::spec(vendored_dir, "", "no vendored files: run `cargo xtask vendor --upstream DIR`"));
        }
        // Parsing the YAML is most of the time: a thread per file lets both cores share it.
        let (vendored, overlays) = std::thread::scope(|s| {
            let threads: Vec<_> =
                names.iter().map(|n| s.spawn(move || crate::spec::load::read(&vendored_dir.join(n)))).collect();
            let overlays = crate::spec::overlay::read_dir(overlays_dir);
            let vendored: Vec<_> = threads
                .into_iter()
                .map(|t| t.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                .collect();
            (vendored, overlays)
        });
        Ok(Sources { vendored: vendored.into_iter().collect::<Result<_, _>>()?, overlays: overlays? })
    }

    /// Every input file with its bytes, for the generated code's header.
    pub fn inputs(&self) -> impl Iterator<Item = (&Path, &[u8])> {
        self.vendored
            .iter()
            .map(|f| (f.path.as_path(), f.bytes.as_slice()))
            .chain(self.overlays.iter().map(|o| (o.path.as_path(), o.bytes.as_slice())))
    }
}

/// Vendored files merged, overlays applied, checked, and cut down to the operations of `tags`
/// (all of them when `tags` is empty) and the components they reach.
pub fn effective(sources: &Sources, tags: &[String]) -> Result<Value, Error> {
    let mut doc = crate::spec::load::merge(&sources.vendored)?;
    describe_responses(&mut doc);
    crate::spec::overlay::apply_all(&mut doc, &sources.overlays)?;
    // The document is lent to the label, not copied: it is the whole API.
    let label =
        SpecFile { path: "openapi (vendored + overlays)".into(), bytes: Vec::new(), doc: std::mem::take(&mut doc) };
    crate::spec::validate::validate(std::slice::from_ref(&label), &label.doc)?;
    doc = label.doc;
    if !tags.is_empty() {
        select_tags(&mut doc, tags)?;
    }
    Ok(doc)
}

/// OpenAPI 3.0 requires a `description` on every response; upstream's sentences are not
/// vendored, so each response gets an empty one (progenitor then writes no doc line for it).
fn describe_responses(doc: &mut Value) {
    fn fill(responses: Option<&mut Value>) {
        for r in responses.and_then(Value::as_object_mut).into_iter().flat_map(|m| m.values_mut()) {
            if let Some(m) = r.as_object_mut()
                && !m.contains_key("$ref")
                && !m.contains_key("description")
            {
                m.insert("description".into(), json!(""));
            }
        }
    }
    fill(doc.pointer_mut("/components/responses"));
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            for method in crate::spec::validate::METHODS {
                fill(item.get_mut(method).and_then(|op| op.get_mut("responses")));
            }
        }
    }
}

/// Keeps the operations that carry one of `tags` and the components they reach.
fn select_tags(doc: &mut Value, tags: &[String]) -> Result<(), Error> {
    let has_tag = |op: &Value| {
        op.get("tags")
            .and_then(Value::as_array)
            .is_some_and(|t| t.iter().any(|t| t.as_str().is_some_and(|t| tags.iter().any(|x| x == t))))
    };
    for tag in tags {
        let found = crate::spec::validate::operations(doc).iter().any(|op| {
            op.item.get("tags").and_then(Value::as_array).is_some_and(|t| t.iter().any(|t| t.as_str() == Some(tag)))
        });
        if !found {
            return Err(Error::spec(
                "openapi (vendored + overlays)",
                "/paths",
                format!("no operation has the tag `{tag}`"),
            ));
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            if let Some(m) = item.as_object_mut() {
                for method in crate::spec::validate::METHODS {
                    if m.get(method).is_some_and(|op| !has_tag(op)) {
                        m.remove(method);
                    }
                }
            }
        }
        paths.retain(|_, item| crate::spec::validate::METHODS.iter().any(|m| item.get(m).is_some()));
    }
    if let Some(list) = doc.get_mut("tags").and_then(Value::as_array_mut) {
        list.retain(|t| t.get("name").and_then(Value::as_str).is_some_and(|n| tags.iter().any(|x| x == n)));
    }
    crate::vendor::prune(doc);
    Ok(())
}
