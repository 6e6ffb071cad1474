//! Corrections to the vendored spec as OpenAPI Overlay 1.0.0 documents (`openapi/overlays/`).
//!
//! Each action selects nodes with an RFC 9535 JSONPath `target` and merges `update` into them
//! (objects key by key, recursively; an array gets the update appended) or removes them
//! (`remove: true`). Files apply in name order, actions in the order written.
//!
//! Parsing and applying come from the `roas-overlay` crate (Overlay 1.0 model, validation and
//! application; the JSONPath is `serde_json_path`, an RFC 9535 implementation). It was chosen
//! over `serde_json_path` alone because with the latter the overlay document model, the
//! spec's merge rules and removal by location would have had to be written here; roas-overlay
//! has them, tested against the specification's examples, and can refuse an action whose
//! target selects nothing (`ApplyOptions::ErrorOnZeroMatch`), which is the rule this project
//! needs. Two rules of the project's own sit on top: every action carries `x-why` (what
//! upstream has and why it is wrong, in one sentence of our own), and an error names the
//! overlay file and the action's JSON pointer.

use std::path::{Path, PathBuf};

use enumset::EnumSet;
use roas_overlay::apply::{Apply, ApplyError, ApplyErrorKind, ApplyOptions};
use roas_overlay::v1_0::Overlay;
use roas_overlay::validation::Validate;
use serde_json::Value;

use crate::error::Error;

/// One overlay document as read from disk.
#[derive(Clone, Debug)]
pub struct OverlayFile {
    /// Where it came from, as given.
    pub path: PathBuf,
    /// The raw bytes (hashed into the generated code's header).
    pub bytes: Vec<u8>,
    overlay: Overlay,
}

impl OverlayFile {
    /// Parses and checks one overlay; `path` labels errors.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<OverlayFile, Error> {
        let doc = crate::spec::load::parse(path, bytes)?;
        match doc.get("overlay").and_then(Value::as_str) {
            Some(v) if v.starts_with("1.0.") => {}
            Some(v) => {
                return Err(Error::spec(path, "/overlay", format!("overlay version `{v}`; this project reads 1.0.x")));
            }
            None => {
                return Err(Error::spec(path, "/overlay", "missing `overlay: 1.0.0`; is this an overlay document?"));
            }
        }
        let actions = doc.get("actions").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for (i, action) in actions.iter().enumerate() {
            let why = action.get("x-why").and_then(Value::as_str).map(str::trim).unwrap_or_default();
            if why.is_empty() {
                return Err(Error::spec(
                    path,
                    format!("/actions/{i}"),
                    "no `x-why`: say in one sentence of our own what upstream has there and why it is wrong",
                ));
            }
            // roas-overlay drops keys it does not know; a misspelt `update` would be lost.
            if let Some(m) = action.as_object()
                && let Some(unknown) = m.keys().find(|k| {
                    !k.starts_with("x-") && !["target", "description", "update", "remove"].contains(&k.as_str())
                })
            {
                return Err(Error::spec(
                    path,
                    format!("/actions/{i}/{unknown}"),
                    "not a key of an overlay action (target, description, update, remove, x-...)",
                ));
            }
        }
        let overlay: Overlay = serde_path_to_error::deserialize(&doc).map_err(|e| {
            Error::spec(path, format!("/{}", e.path().to_string().replace('.', "/")), e.inner().to_string())
        })?;
        overlay.validate(EnumSet::empty()).map_err(|e| Error::spec(path, "", e.to_string()))?;
        Ok(OverlayFile { path: path.to_owned(), bytes: bytes.to_vec(), overlay })
    }

    /// Reads one overlay file.
    pub fn read(path: &Path) -> Result<OverlayFile, Error> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
        OverlayFile::parse(path, &bytes)
    }

    /// Applies the actions in order; the first that fails (a target that selects nothing among
    /// them) stops with an error naming this file, the action and its target, and `doc` is left
    /// as it was.
    pub fn apply(&self, doc: &mut Value) -> Result<(), Error> {
        self.overlay.apply(doc, OPTIONS).map(|_| ()).map_err(|e| self.error(e))
    }

    fn error(&self, e: ApplyError) -> Error {
        let what = match e.kind {
            ApplyErrorKind::ZeroMatch => {
                "selects nothing: upstream may have fixed or renamed what this action corrects; \
                 check the vendored files and change or drop the action"
                    .to_owned()
            }
            other => other.to_string(),
        };
        Error::spec(&self.path, format!("/actions/{}", e.action_index), format!("target `{}` {what}", e.target))
    }
}

const OPTIONS: EnumSet<ApplyOptions> =
    enumset::enum_set!(ApplyOptions::ErrorOnZeroMatch | ApplyOptions::ErrorOnMixedKindMatch);

/// The overlays in `dir` (`*.yaml`, `*.yml`, `*.json`), in name order; none when `dir` does
/// not exist.
pub fn read_dir(dir: &Path) -> Result<Vec<OverlayFile>, Error> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(Error::Io { path: dir.to_owned(), source }),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| dir.join(e.file_name()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    paths.sort();
    paths.iter().map(|p| OverlayFile::read(p)).collect()
}

/// Applies every overlay, file after file; on an error, `doc` is left as it was.
pub fn apply_all(doc: &mut Value, overlays: &[OverlayFile]) -> Result<(), Error> {
    if overlays.is_empty() {
        return Ok(());
    }
    // roas-overlay applies an overlay to a copy of the whole document (to leave it as it was on
    // an error): the actions of every file as one overlay make one copy instead of one per file.
    let all = Overlay {
        actions: overlays.iter().flat_map(|o| o.overlay.actions.iter().cloned()).collect(),
        ..Overlay::default()
    };
    let Err(mut e) = all.apply(doc, OPTIONS) else { return Ok(()) };
    for o in overlays {
        if e.action_index < o.overlay.actions.len() {
            return Err(o.error(e));
        }
        e.action_index -= o.overlay.actions.len();
    }
    // Past the last action (not expected of roas-overlay): still an error, against the last file.
    Err(overlays[overlays.len() - 1].error(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: &str) -> Result<OverlayFile, Error> {
        let text = format!("overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions:\n{actions}");
        OverlayFile::parse(Path::new("openapi/overlays/x.yaml"), text.as_bytes())
    }

    fn doc() -> Value {
        json!({"paths": {"/a": {"get": {"parameters": [{"name": "p"}], "responses": {"200": {"description": "", "x": 1}}}}}})
    }

    #[test]
    fn update_merges_objects_and_appends_to_arrays_remove_deletes() {
        let o = overlay(
            "  - target: $.paths['/a'].get\n    x-why: a test\n    update: {parameters: [{name: q}], responses: {'200': {y: 2}}}\n\
             \x20 - target: $.paths['/a'].get.responses['200'].x\n    x-why: a test\n    remove: true\n",
        );
        // Removing a primitive is refused by the crate: targets are objects or arrays.
        let err = o.unwrap().apply(&mut doc()).unwrap_err().to_string();
        assert!(err.contains("openapi/overlays/x.yaml: at /actions/1"), "{err}");
        let o = overlay(
            "  - target: $.paths['/a'].get\n    x-why: a test\n    update: {parameters: [{name: q}], responses: {'200': {y: 2}}}\n\
             \x20 - target: $.paths['/a'].get.parameters[?@.name == 'p']\n    x-why: a test\n    remove: true\n",
        )
        .unwrap();
        let mut d = doc();
        o.apply(&mut d).unwrap();
        assert_eq!(d["paths"]["/a"]["get"]["parameters"], json!([{"name": "q"}]));
        assert_eq!(d["paths"]["/a"]["get"]["responses"]["200"], json!({"description": "", "x": 1, "y": 2}));
    }

    #[test]
    fn a_target_that_selects_nothing_names_file_action_and_target() {
        let o = overlay("  - target: $.paths['/gone'].get\n    x-why: a test\n    update: {x: 1}\n").unwrap();
        let mut d = doc();
        let err = o.apply(&mut d).unwrap_err().to_string();
        assert!(
            err.starts_with("openapi/overlays/x.yaml: at /actions/0: target `$.paths['/gone'].get` selects nothing"),
            "{err}"
        );
        assert_eq!(d, doc(), "a failed overlay leaves the document as it was");
    }

    #[test]
    fn applied_together_the_overlays_still_name_the_file_and_action_that_failed() {
        let o = |name: &str, actions: &str| {
            let text = format!("overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions:\n{actions}");
            OverlayFile::parse(Path::new(name), text.as_bytes()).unwrap()
        };
        let first = o("a.yaml", "  - target: $.paths['/a'].get\n    x-why: a test\n    update: {x: 1}\n");
        let second = o(
            "b.yaml",
            "  - target: $.paths['/a'].get\n    x-why: a test\n    update: {y: 2}\n\
             \x20 - target: $.paths['/gone'].get\n    x-why: a test\n    update: {x: 1}\n",
        );
        let mut d = doc();
        let err = apply_all(&mut d, &[first.clone(), second]).unwrap_err().to_string();
        assert!(err.starts_with("b.yaml: at /actions/1: target `$.paths['/gone'].get`"), "{err}");
        assert_eq!(d, doc(), "a failed overlay leaves the document as it was");
        apply_all(&mut d, &[first]).unwrap();
        assert_eq!(d["paths"]["/a"]["get"]["x"], 1);
    }

    #[test]
    fn an_action_without_a_why_is_an_error() {
        let err = overlay("  - target: $.paths\n    update: {x: 1}\n").unwrap_err().to_string();
        assert!(err.contains("x.yaml: at /actions/0: no `x-why`"), "{err}");
        let err = overlay("  - target: $.paths\n    x-why: '  '\n    update: {x: 1}\n").unwrap_err().to_string();
        assert!(err.contains("no `x-why`"), "{err}");
    }

    #[test]
    fn malformed_actions_are_errors() {
        let err = overlay("  - target: $.paths\n    x-why: w\n    udpate: {x: 1}\n").unwrap_err().to_string();
        assert!(err.contains("/actions/0/udpate"), "{err}");
        let err = overlay("  - target: '$.[bad'\n    x-why: w\n    update: {x: 1}\n").unwrap_err().to_string();
        assert!(err.contains("x.yaml") && err.to_lowercase().contains("jsonpath"), "{err}");
        let err = overlay("  - target: $.paths\n    x-why: w\n").unwrap_err().to_string();
        assert!(err.contains("update") && err.contains("remove"), "{err}");
        let err = OverlayFile::parse(Path::new("o.yaml"), b"openapi: 3.0.3\n").unwrap_err().to_string();
        assert!(err.contains("o.yaml: at /overlay"), "{err}");
    }
}
