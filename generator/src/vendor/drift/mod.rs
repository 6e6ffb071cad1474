//! The drift check: does a fragment still say what upstream says, except where it declares
//! that it knowingly differs?
//!
//! For each operation of the fragment, the operation with the same operationId is bundled from
//! upstream (as [`super::bundle`] does). Both documents then go through the generator's
//! normalization passes, so that what the passes make equal is equal (a `default` response
//! and the `4XX`/`5XX` ranges it becomes; an error status whose body is the same as the
//! ranges'; a discriminated `anyOf` and the tagged `oneOf` it becomes), and are compared
//! structurally (see `compare`). Prose is ignored. Places are paired by meaning, not by
//! pointer: operations by operationId, parameters by `(in, name)`, responses by status code,
//! headers and properties by name, `anyOf`/`oneOf` variants by position.
//!
//! Each difference is reported as `<operationId or component> <pointer>: upstream <X>,
//! fragment <Y>`. It is *declared* when an `x-upstream-deviation` entry covers it: an entry
//! `{at, upstream, why}` on the object at pointer `P` covers every difference at or below
//! `P/at`. Pointers are the fragment's: a difference is found at a place in the fragment, and
//! under every place it was reached through, outermost first: the operation (so an entry on
//! the operation, `at: responses/200`, covers the schemas that response uses), then each
//! `$ref` target on the way (so an entry on a component covers it wherever it is used). A
//! `4XX`/`5XX` range made from a written `default` is also reached as `responses/default`.
//! Places only upstream has are named where the fragment would hold them.

mod compare;
mod deviation;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

pub use deviation::Deviation;

use super::bundle::Bundler;
use super::source::Source;
use crate::error::Error;
use crate::load::SpecFile;
use crate::validate::operations;
use compare::{Comparer, Occurrence, OpSide};

/// One difference between a fragment and upstream.
#[derive(Clone, Debug)]
pub struct Difference {
    /// The operationId, or the component (`components/schemas/action`), the place is in.
    pub subject: String,
    /// A JSON pointer inside the subject; empty for the subject itself.
    pub pointer: String,
    /// What upstream has there.
    pub upstream: String,
    /// What the fragment has there.
    pub fragment: String,
    /// The operations the difference was found from (for a component used by several).
    pub via: Vec<String>,
    /// The entry that declares it, when one does (from every operation it was found from).
    pub declared: Option<Deviation>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() { "(whole)" } else { self.pointer.as_str() };
        write!(f, "{} {pointer}: upstream {}, fragment {}", self.subject, self.upstream, self.fragment)?;
        if self.subject.starts_with("components/") {
            write!(f, " (via {})", self.via.join(", "))?;
        }
        Ok(())
    }
}

/// What the check found in one fragment.
#[derive(Clone, Debug)]
pub struct Report {
    /// The fragment, as given.
    pub fragment: PathBuf,
    /// The operationIds compared.
    pub operations: Vec<String>,
    /// Every difference, declared or not, in report order.
    pub differences: Vec<Difference>,
    /// Entries that cover no difference (stale, or about something the comparison does not see).
    pub unused: Vec<Deviation>,
}

impl Report {
    /// The differences no entry declares.
    pub fn undeclared(&self) -> impl Iterator<Item = &Difference> {
        self.differences.iter().filter(|d| d.declared.is_none())
    }

    /// Whether every difference is declared.
    pub fn passes(&self) -> bool {
        self.undeclared().next().is_none()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let declared: Vec<&Difference> = self.differences.iter().filter(|d| d.declared.is_some()).collect();
        let undeclared: Vec<&Difference> = self.undeclared().collect();
        writeln!(
            f,
            "{}: {} operation(s) compared with upstream ({}): {} declared difference(s), {} undeclared",
            self.fragment.display(),
            self.operations.len(),
            self.operations.join(", "),
            declared.len(),
            undeclared.len()
        )?;
        if !undeclared.is_empty() {
            writeln!(f, "  UNDECLARED (fix the fragment, or declare with x-upstream-deviation):")?;
            for d in &undeclared {
                writeln!(f, "    {d}")?;
            }
        }
        if !declared.is_empty() {
            writeln!(f, "  declared (known):")?;
            for d in &declared {
                writeln!(f, "    {d}")?;
                if let Some(dev) = &d.declared {
                    writeln!(f, "      declared at {} (at: {})", show_pointer(&dev.holder), dev.at)?;
                }
            }
        }
        if !self.unused.is_empty() {
            writeln!(
                f,
                "  entries that cover no structural difference (stale, or about behaviour the check cannot see):"
            )?;
            for dev in &self.unused {
                writeln!(f, "    {} (at: {}): upstream {}", show_pointer(&dev.holder), dev.at, dev.upstream)?;
            }
        }
        Ok(())
    }
}

fn show_pointer(p: &str) -> &str {
    if p.is_empty() { "(document root)" } else { p }
}

/// Compares `fragment` with the same operations in the upstream spec whose root document is
/// `root_file`. Errors are for input that cannot be compared (a fragment that does not
/// validate, a malformed deviation entry, a broken upstream reference); differences are in the
/// report.
pub fn check(root_file: &Path, fragment: &SpecFile) -> Result<Report, Error> {
    let written = crate::prepare(std::slice::from_ref(fragment))?;
    let deviations = deviation::collect(&fragment.path, &fragment.doc)?;
    let mut frag = written.clone();
    crate::normalize::normalize(&mut frag);

    let fragment_ops: Vec<(String, String, &'static str)> = operations(&written)
        .iter()
        .map(|op| {
            let id = op.item.get("operationId").and_then(Value::as_str).unwrap_or_default().to_owned();
            let method = crate::validate::METHODS.iter().find(|m| **m == op.method).copied().unwrap_or("get");
            (id, op.path.to_owned(), method)
        })
        .collect();
    let mut source = Source::open(root_file)?;
    let mut bundler = Bundler::new(&mut source);
    let candidates = bundler.candidates()?;
    let chosen: Vec<_> = candidates
        .into_iter()
        .filter(|c| c.id.as_ref().is_some_and(|id| fragment_ops.iter().any(|(f, _, _)| f == id)))
        .collect();
    let mut up = if chosen.is_empty() { serde_json::json!({"paths": {}}) } else { bundler.bundle(&chosen)? };
    crate::normalize::normalize(&mut up);

    let mut found: Vec<Occurrence> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for (id, path, method) in &fragment_ops {
        ids.push(id.clone());
        let op_ptr = crate::error::pointer(["paths", path.as_str(), method]);
        let f_item = frag.get("paths").and_then(|p| p.get(path)).unwrap_or(&Value::Null);
        let f_op = f_item.get(*method).unwrap_or(&Value::Null);
        let f_side = OpSide { path, method, op: f_op, item: f_item };
        let up_ops = operations(&up);
        let Some(u) = up_ops.iter().find(|o| o.item.get("operationId").and_then(Value::as_str) == Some(id)) else {
            found.push(Occurrence {
                trail: vec![op_ptr],
                named: 1,
                upstream: "no operation with this operationId".into(),
                fragment: format!("{} {path}", method.to_uppercase()),
                op: id.clone(),
            });
            continue;
        };
        let u_side = OpSide { path: u.path, method: u.method, op: u.item, item: u.path_item };
        let mut cmp = Comparer::new(&up, &frag, &written, id);
        cmp.operation(&u_side, &f_side, &op_ptr);
        found.extend(cmp.found);
    }
    ids.sort();

    let (differences, used) = classify(&found, &deviations, &written, &fragment_ops);
    let unused = deviations.iter().enumerate().filter(|(i, _)| !used.contains(i)).map(|(_, d)| d.clone()).collect();
    Ok(Report { fragment: fragment.path.clone(), operations: ids, differences, unused })
}

// Groups occurrences into differences (one per place and content), settles which are declared,
// and returns the indexes of the entries that declared anything.
fn classify(
    found: &[Occurrence],
    deviations: &[Deviation],
    written: &Value,
    ops: &[(String, String, &'static str)],
) -> (Vec<Difference>, std::collections::BTreeSet<usize>) {
    let mut used = std::collections::BTreeSet::new();
    // (subject, pointer, upstream, fragment) -> (operations, the entry covering each occurrence)
    type Key = (String, String, String, String);
    let mut groups: BTreeMap<Key, (Vec<String>, Vec<Option<usize>>)> = BTreeMap::new();
    for occ in found {
        let named = &occ.trail[..occ.named.clamp(1, occ.trail.len().max(1)).min(occ.trail.len())];
        let (subject, pointer) = place(named, written, ops, &occ.op);
        let covering = deviations.iter().position(|d| occ.trail.iter().any(|p| d.covers_pointer(p)));
        if let Some(i) = covering {
            used.insert(i);
        }
        let entry = groups.entry((subject, pointer, occ.upstream.clone(), occ.fragment.clone())).or_default();
        if !entry.0.contains(&occ.op) {
            entry.0.push(occ.op.clone());
        }
        entry.1.push(covering);
    }
    let differences = groups
        .into_iter()
        .map(|((subject, pointer, upstream, fragment), (mut via, covering))| {
            via.sort();
            let declared = if covering.iter().all(Option::is_some) {
                covering.first().copied().flatten().map(|i| deviations[i].clone())
            } else {
                None
            };
            Difference { subject, pointer, upstream, fragment, via, declared }
        })
        .collect();
    (differences, used)
}

// The subject and relative pointer a difference is reported under: the innermost place of its
// trail that is a component or an operation of the fragment as written.
fn place(trail: &[String], written: &Value, ops: &[(String, String, &'static str)], op: &str) -> (String, String) {
    for p in trail.iter().rev() {
        let tokens: Vec<&str> = p.split('/').collect();
        if tokens.len() >= 4 && tokens[1] == "components" {
            let root = tokens[..4].join("/");
            if written.pointer(&root).is_some() {
                return (root[1..].to_owned(), p[root.len()..].to_owned());
            }
        }
        for (id, path, method) in ops {
            let op_ptr = crate::error::pointer(["paths", path.as_str(), method]);
            if p == &op_ptr || p.starts_with(&format!("{op_ptr}/")) {
                return (id.clone(), p[op_ptr.len()..].to_owned());
            }
        }
    }
    (op.to_owned(), trail.first().cloned().unwrap_or_default())
}
