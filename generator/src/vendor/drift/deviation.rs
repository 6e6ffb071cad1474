//! `x-upstream-deviation` entries: where a fragment says it knowingly differs from upstream.

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, escape_token};

/// One declared deviation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deviation {
    /// JSON pointer (in the fragment as written) of the object holding the entry.
    pub holder: String,
    /// The entry's `at`: a pointer relative to the holder; empty for the holder itself.
    pub at: String,
    /// What upstream says, in the entry's words.
    pub upstream: String,
    /// Why the fragment says otherwise.
    pub why: String,
}

impl Deviation {
    /// The place the entry covers: differences there or below it are declared.
    pub fn covers(&self) -> String {
        let at = self.at.trim_matches('/');
        if at.is_empty() { self.holder.clone() } else { format!("{}/{at}", self.holder) }
    }

    /// Whether a difference found at `pointer` is at or below [`Deviation::covers`].
    pub fn covers_pointer(&self, pointer: &str) -> bool {
        let place = self.covers();
        pointer == place || pointer.strip_prefix(&place).is_some_and(|rest| rest.starts_with('/'))
    }
}

/// Every entry in `doc`, in document order; a malformed entry is an error naming its place.
pub(crate) fn collect(file: &Path, doc: &Value) -> Result<Vec<Deviation>, Error> {
    let mut out = Vec::new();
    walk(file, doc, &mut String::new(), &mut out)?;
    Ok(out)
}

fn walk(file: &Path, v: &Value, at: &mut String, out: &mut Vec<Deviation>) -> Result<(), Error> {
    match v {
        Value::Object(m) => {
            if let Some(list) = m.get("x-upstream-deviation") {
                let list_ptr = format!("{at}/x-upstream-deviation");
                let Value::Array(entries) = list else {
                    return Err(Error::spec(
                        file,
                        list_ptr,
                        "x-upstream-deviation must be a list of {at, upstream, why}",
                    ));
                };
                for (i, entry) in entries.iter().enumerate() {
                    let entry_ptr = format!("{list_ptr}/{i}");
                    let field = |name: &str| -> Result<String, Error> {
                        match entry.get(name) {
                            Some(Value::String(s)) => Ok(s.clone()),
                            _ => Err(Error::spec(
                                file,
                                entry_ptr.clone(),
                                format!("an x-upstream-deviation entry needs a string `{name}`"),
                            )),
                        }
                    };
                    let (at_field, upstream, why) = (field("at")?, field("upstream")?, field("why")?);
                    out.push(Deviation { holder: at.clone(), at: at_field, upstream, why });
                }
            }
            for (k, child) in m {
                let len = at.len();
                at.push('/');
                at.push_str(&escape_token(k));
                walk(file, child, at, out)?;
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                walk(file, child, at, out)?;
                at.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_cover_their_place_and_below() {
        let doc = json!({"components": {"schemas": {"a": {
            "x-upstream-deviation": [{"at": "required", "upstream": "u", "why": "w"}]}}}});
        let found = collect(Path::new("f.yaml"), &doc).unwrap();
        assert_eq!(found.len(), 1);
        let d = &found[0];
        assert_eq!(d.covers(), "/components/schemas/a/required");
        assert!(d.covers_pointer("/components/schemas/a/required"));
        assert!(d.covers_pointer("/components/schemas/a/required/0"));
        assert!(!d.covers_pointer("/components/schemas/a/requiredness"));
        assert!(!d.covers_pointer("/components/schemas/a"));
    }

    #[test]
    fn a_malformed_entry_names_its_place() {
        let doc = json!({"paths": {"/x": {"get": {"x-upstream-deviation": [{"at": "responses"}]}}}});
        let err = collect(Path::new("f.yaml"), &doc).unwrap_err().to_string();
        assert!(
            err.contains("f.yaml") && err.contains("/paths/~1x/get/x-upstream-deviation/0") && err.contains("upstream"),
            "{err}"
        );
    }
}
