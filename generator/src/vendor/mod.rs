//! Vendoring from upstream's multi-file spec.
//!
//! Upstream's spec is a root document whose `paths` `$ref` whole operations in other files,
//! which `$ref` responses, parameters and schemas in yet other files (a whole file, or a key
//! inside one). [`vendor`] keeps the operations asked for and what they reach, turns every
//! referenced value into a named component, runs the generator's normalization passes and
//! writes one OpenAPI 3.0 document that `generate --spec` accepts.

mod bundle;
mod names;
mod source;
mod tree;
mod write;

use std::path::{Path, PathBuf};

use serde_json::Value;

pub use bundle::Selection;
pub use tree::{Manifest, NOTICE, SHARED, file_name, kebab, untaken_tags, vendor_tree};
pub use write::to_yaml;

use crate::error::Error;

/// The root document of an upstream spec: `path` itself when it is a file; in a folder, the one
/// `.yaml`/`.yml`/`.json` file directly inside it that is an OpenAPI document.
pub fn find_root(path: &Path) -> Result<PathBuf, Error> {
    let meta = std::fs::metadata(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
    if meta.is_file() {
        return Ok(path.to_owned());
    }
    let entries = std::fs::read_dir(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| path.join(e.file_name()))
        .filter(|p| p.is_file() && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    files.sort();
    let mut roots = Vec::new();
    for file in files {
        let bytes = std::fs::read(&file).map_err(|source| Error::Io { path: file.clone(), source })?;
        // A file that does not parse cannot be the root; it is reported if something refers to it.
        if crate::spec::load::parse(&file, &bytes).is_ok_and(|doc| doc.get("openapi").is_some()) {
            roots.push(file);
        }
    }
    match roots.len() {
        1 => Ok(roots.remove(0)),
        0 => Err(Error::spec(path, "", "no OpenAPI root document (a file with an `openapi` key) in this folder")),
        _ => Err(Error::spec(
            path,
            "",
            format!(
                "several OpenAPI root documents in this folder ({}); name the root file instead",
                roots.iter().map(|r| r.display().to_string()).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// The operations of `selection`, bundled from the spec whose root is `root_file`, before
/// normalization: every `$ref` local, every referenced value a component, `x-codeSamples` gone.
pub fn bundle(root_file: &Path, selection: &Selection) -> Result<Value, Error> {
    if selection.operations.is_empty() && selection.tags.is_empty() {
        return Err(Error::spec(root_file, "/paths", "nothing selected: name at least one operation or tag"));
    }
    let mut source = source::Source::open(root_file)?;
    let mut bundler = bundle::Bundler::new(&mut source);
    let chosen = bundler.select(selection)?;
    bundler.bundle(&chosen)
}

/// [`bundle`], then the generator's normalization passes, as YAML text headed by a comment
/// that names the upstream root file and `command` (the command that made it).
pub fn vendor(root_file: &Path, selection: &Selection, command: &str) -> Result<String, Error> {
    let mut doc = bundle(root_file, selection)?;
    crate::normalize::normalize(&mut doc);
    prune(&mut doc);
    let root_name = root_file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let header = format!(
        "Vendored from upstream's multi-file OpenAPI spec (root document `{root_name}`) by\n  {command}\n\n\
         Bundled (every $ref local, each referenced value a component) and normalized for the\n\
         generator. Make changes by running the command again; corrections belong in overlays."
    );
    to_yaml(&doc, &header)
}

/// Drops the components nothing refers to any more: the passes inline some (the variants of a
/// discriminated body) and make others redundant (error responses folded into `4XX`/`5XX`).
pub(crate) fn prune(doc: &mut Value) {
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) if s.starts_with("#/components/") => out.push(s.clone()),
            Value::Object(m) => m.values().for_each(|c| refs(c, out)),
            Value::Array(items) => items.iter().for_each(|c| refs(c, out)),
            _ => {}
        }
    }
    // The component a reference lands in: its first three pointer tokens.
    fn owner(reference: &str) -> String {
        reference.trim_start_matches('#').split('/').take(4).collect::<Vec<_>>().join("/")
    }
    let Some(components) = doc.get("components").cloned() else { return };
    let mut outside = doc.clone();
    if let Some(m) = outside.as_object_mut() {
        m.remove("components");
    }
    let mut pending = Vec::new();
    refs(&outside, &mut pending);
    let mut kept = std::collections::BTreeSet::new();
    while let Some(r) = pending.pop() {
        let at = owner(&r);
        if kept.insert(at.clone())
            && let Some(target) = doc.pointer(&at)
        {
            refs(target, &mut pending);
        }
    }
    let Some(sections) = components.as_object() else { return };
    let mut pruned = serde_json::Map::new();
    for (section, items) in sections {
        let Some(items) = items.as_object() else { continue };
        let keep: serde_json::Map<String, Value> = items
            .iter()
            .filter(|(name, _)| {
                section == "securitySchemes"
                    || kept.contains(&format!(
                        "/components/{}/{}",
                        crate::error::escape_token(section),
                        crate::error::escape_token(name)
                    ))
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !keep.is_empty() {
            pruned.insert(section.clone(), Value::Object(keep));
        }
    }
    doc["components"] = Value::Object(pruned);
}

/// What `vendor --check` found: a committed vendored folder against a fresh vendor run.
#[derive(Debug, Default)]
pub struct TreeCheck {
    /// A unified diff per file that differs, headed by the file's name.
    pub diffs: Vec<String>,
    /// Files the vendor run writes that the folder lacks.
    pub missing: Vec<String>,
    /// Files in the folder that the vendor run does not write.
    pub extra: Vec<String>,
}

impl TreeCheck {
    /// Nothing differs.
    pub fn passes(&self) -> bool {
        self.diffs.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// The files of a vendored folder: every regular file in it, by name.
pub fn read_tree(dir: &Path) -> Result<std::collections::BTreeMap<String, String>, Error> {
    let mut out = std::collections::BTreeMap::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(source) => return Err(Error::Io { path: dir.to_owned(), source }),
    };
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io { path: dir.to_owned(), source })?;
        let path = entry.path();
        if path.is_file() {
            let text = std::fs::read_to_string(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
            out.insert(entry.file_name().to_string_lossy().into_owned(), text);
        }
    }
    Ok(out)
}

/// Compares the committed files (`committed`, read from `dir`) with a fresh run (`fresh`, made
/// by what `made_by` names: the diff headers say it).
pub fn check_tree(
    dir: &Path,
    committed: &std::collections::BTreeMap<String, String>,
    fresh: &std::collections::BTreeMap<String, String>,
    made_by: &str,
) -> TreeCheck {
    let mut check = TreeCheck::default();
    for (name, text) in fresh {
        let shown = dir.join(name).display().to_string();
        match committed.get(name) {
            None => check.missing.push(shown),
            Some(current) if current != text => {
                let diff = similar::TextDiff::from_lines(current.as_str(), text.as_str());
                check.diffs.push(
                    diff.unified_diff()
                        .context_radius(3)
                        .header(&format!("{shown} (committed)"), &format!("{shown} ({made_by})"))
                        .to_string(),
                );
            }
            Some(_) => {}
        }
    }
    for name in committed.keys() {
        if !fresh.contains_key(name) {
            check.extra.push(dir.join(name).display().to_string());
        }
    }
    check
}

/// What changed per tag file between `before` and `after`: operations added, removed and
/// changed (by `METHOD path`), and how many components changed. One line per file that moved.
pub fn changes(
    before: &std::collections::BTreeMap<String, String>,
    after: &std::collections::BTreeMap<String, String>,
) -> Vec<String> {
    use std::collections::BTreeMap;
    fn parse(name: &str, text: Option<&String>) -> Value {
        text.and_then(|t| crate::spec::load::parse(Path::new(name), t.as_bytes()).ok()).unwrap_or(Value::Null)
    }
    fn operations(doc: &Value) -> BTreeMap<String, Value> {
        crate::spec::validate::operations(doc)
            .into_iter()
            .map(|op| (format!("{} {}", op.method.to_uppercase(), op.path), op.item.clone()))
            .collect()
    }
    fn components(doc: &Value) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        if let Some(sections) = doc.get("components").and_then(Value::as_object) {
            for (section, items) in sections {
                for (name, v) in items.as_object().into_iter().flatten() {
                    out.insert(format!("{section}/{name}"), v.clone());
                }
            }
        }
        out
    }
    let mut lines = Vec::new();
    let names: std::collections::BTreeSet<&String> =
        before.keys().chain(after.keys()).filter(|n| n.ends_with(".yaml")).collect();
    for name in names {
        let (old, new) = (parse(name, before.get(name)), parse(name, after.get(name)));
        let (old_ops, new_ops) = (operations(&old), operations(&new));
        let added: Vec<&String> = new_ops.keys().filter(|k| !old_ops.contains_key(*k)).collect();
        let removed: Vec<&String> = old_ops.keys().filter(|k| !new_ops.contains_key(*k)).collect();
        let changed: Vec<&String> =
            new_ops.iter().filter(|(k, v)| old_ops.get(*k).is_some_and(|o| o != *v)).map(|(k, _)| k).collect();
        let (old_c, new_c) = (components(&old), components(&new));
        let components_moved = new_c.iter().filter(|(k, v)| old_c.get(*k) != Some(*v)).count()
            + old_c.keys().filter(|k| !new_c.contains_key(*k)).count();
        if added.is_empty() && removed.is_empty() && changed.is_empty() && components_moved == 0 {
            continue;
        }
        let list = |ops: &[&String]| {
            if ops.is_empty() {
                "none".to_owned()
            } else {
                ops.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            }
        };
        lines.push(format!(
            "{name}: operations added: {}; removed: {}; changed: {}; components added, removed or changed: {components_moved}",
            list(&added),
            list(&removed),
            list(&changed)
        ));
    }
    lines
}
