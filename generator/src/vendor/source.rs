//! The upstream spec as a set of files: loading each once, and resolving a `$ref` written in
//! one file to the value it names in another.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, escape_token};

/// A place in the upstream spec: a file (relative to the root file's folder, with `/`
/// separators) and a JSON pointer into it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Loc {
    pub file: String,
    pub pointer: String,
}

impl Loc {
    /// The place of the child `token` of this value.
    pub fn child(&self, token: &str) -> Loc {
        Loc { file: self.file.clone(), pointer: format!("{}/{}", self.pointer, escape_token(token)) }
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.file, self.pointer)
    }
}

/// The files of one multi-file spec, read lazily and kept.
pub(crate) struct Source {
    /// The folder holding the root file, as the caller gave it (so messages carry the path the
    /// user typed, not an absolute one).
    dir: PathBuf,
    /// The root file's name inside `dir`.
    pub root: String,
    files: BTreeMap<String, Value>,
}

impl Source {
    /// A source whose root document is `root_file`.
    pub fn open(root_file: &Path) -> Result<Source, Error> {
        let dir = root_file.parent().map(Path::to_path_buf).unwrap_or_default();
        let root = root_file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| Error::spec(root_file, "", "not a file name"))?;
        let mut source = Source { dir, root: root.clone(), files: BTreeMap::new() };
        source.load(&root, None)?;
        Ok(source)
    }

    /// The path of `file` as the user would type it.
    pub fn display(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    /// The root document.
    pub fn root_doc(&self) -> &Value {
        self.files.get(&self.root).expect("the root is loaded when the source is opened")
    }

    fn load(&mut self, file: &str, referrer: Option<(&Loc, &str)>) -> Result<&Value, Error> {
        if !self.files.contains_key(file) {
            let path = self.display(file);
            let bytes = match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) => {
                    return Err(match referrer {
                        Some((at, reference)) => Error::spec(
                            self.display(&at.file),
                            at.pointer.clone(),
                            format!("$ref `{reference}` names the file {}, which cannot be read: {e}", path.display()),
                        ),
                        None => Error::Io { path, source: e },
                    });
                }
            };
            let doc = crate::spec::load::parse(&path, &bytes)?;
            self.files.insert(file.to_owned(), doc);
        }
        Ok(&self.files[file])
    }

    /// Where the `$ref` string `reference`, written in the object at `at`, points.
    pub fn target(&self, at: &Loc, reference: &str) -> Loc {
        let (file_part, fragment) = match reference.split_once('#') {
            Some((f, frag)) => (f, frag),
            None => (reference, ""),
        };
        let file = if file_part.is_empty() { at.file.clone() } else { join(&at.file, file_part) };
        Loc { file, pointer: crate::spec::validate::percent_decode(fragment) }
    }

    /// The value at `target`, reached through the `$ref` `reference` written at `at`.
    pub fn get(&mut self, at: &Loc, reference: &str, target: &Loc) -> Result<Value, Error> {
        let doc = self.load(&target.file, Some((at, reference)))?;
        match doc.pointer(&target.pointer) {
            Some(v) => Ok(v.clone()),
            None => Err(Error::spec(
                self.display(&at.file),
                at.pointer.clone(),
                format!(
                    "$ref `{reference}` points to nothing: {} has no value at `{}`",
                    self.display(&target.file).display(),
                    target.pointer
                ),
            )),
        }
    }

    /// Follows `reference` (written at `at`) and then every further `$ref` that a target is
    /// made of, to the first value that is not itself a reference. A chain that comes back to a
    /// place it passed is an error naming the whole loop.
    pub fn follow(&mut self, at: &Loc, reference: &str) -> Result<(Loc, Value), Error> {
        let mut chain = vec![at.clone()];
        let mut holder = at.clone();
        let mut reference = reference.to_owned();
        loop {
            let target = self.target(&holder, &reference);
            if chain.contains(&target) {
                chain.push(target);
                let loop_text: Vec<String> = chain.iter().map(Loc::to_string).collect();
                return Err(Error::spec(
                    self.display(&at.file),
                    at.pointer.clone(),
                    format!("$ref cycle: {}", loop_text.join(" -> ")),
                ));
            }
            let value = self.get(&holder, &reference, &target)?;
            match value.get("$ref") {
                Some(Value::String(next)) => {
                    chain.push(target.clone());
                    holder = target;
                    reference = next.clone();
                }
                Some(_) => {
                    return Err(Error::spec(self.display(&target.file), target.pointer, "`$ref` must be a string"));
                }
                None => return Ok((target, value)),
            }
        }
    }
}

/// `relative` read from the folder of `from`, with `.` and `..` folded away.
fn join(from: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn relative_paths_fold() {
        assert_eq!(join("resources/images/a.yml", "../../shared/r.yml"), "shared/r.yml");
        assert_eq!(join("resources/images/a.yml", "models/b.yml"), "resources/images/models/b.yml");
        assert_eq!(join("root.yaml", "./x/y.yml"), "x/y.yml");
        assert_eq!(join("a.yml", "../b.yml"), "../b.yml");
    }
}
