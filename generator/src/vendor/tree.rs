//! The whole vendored tree: every tag the manifest names, bundled from upstream in one run and
//! split into one file per tag plus one file for what several tags share.
//!
//! One run names every component once (two upstream files that both hold a `region` parameter
//! get two names, decided together), so the files merge into one document without conflicts.
//! Every `$ref` in a file is local to the merged document (`#/components/...`): the files are
//! fragments of one document, loaded together by [`crate::spec::load::merge`].
//!
//! Upstream's prose is left out (see [`super::bundle::PROSE`]); example payloads are kept.
//! The same upstream and manifest give the same bytes: keys are sorted, files are named from
//! their tags, component names are settled in path order.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value, json};

use super::bundle::{Bundler, Selection};
use super::source::Source;
use super::write::to_yaml;
use crate::error::{Error, escape_token};
use crate::spec::validate::METHODS;

/// The file that holds the components several tags reach (and the security schemes).
pub const SHARED: &str = "shared.yaml";
/// The file that says where the data comes from and under which license.
pub const NOTICE: &str = "NOTICE";

/// `openapi/manifest/upstream.yaml`: which upstream, which commit, which tags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// Where upstream lives (`github.com/digitalocean/openapi`).
    pub repository: String,
    /// The upstream commit the vendored files are taken from.
    pub commit: String,
    /// Upstream's license (SPDX).
    pub license: String,
    /// The tags taken, as upstream spells them.
    pub tags: Vec<String>,
}

impl Manifest {
    /// Reads and checks a manifest; `path` labels errors.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Manifest, Error> {
        let doc = crate::spec::load::parse(path, bytes)?;
        let text = |pointer: &str| -> Result<String, Error> {
            doc.pointer(pointer)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| Error::spec(path, pointer, "missing, or not a non-empty string"))
        };
        let commit = text("/upstream/commit")?;
        if commit.len() != 40 || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::spec(path, "/upstream/commit", "not a 40-digit commit id"));
        }
        let tags = match doc.get("tags") {
            Some(Value::Array(items)) if !items.is_empty() => items
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    t.as_str()
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .ok_or_else(|| Error::spec(path, format!("/tags/{i}"), "a tag is a non-empty string"))
                })
                .collect::<Result<Vec<_>, _>>()?,
            _ => return Err(Error::spec(path, "/tags", "a non-empty list of upstream tag names")),
        };
        let mut files = BTreeMap::new();
        for (i, tag) in tags.iter().enumerate() {
            if let Some(other) = files.insert(file_name(tag), tag) {
                return Err(Error::spec(
                    path,
                    format!("/tags/{i}"),
                    format!("`{tag}` and `{other}` would both be written to {}", file_name(tag)),
                ));
            }
        }
        Ok(Manifest { repository: text("/upstream/repository")?, commit, license: text("/upstream/license")?, tags })
    }

    /// Reads a manifest file.
    pub fn read(path: &Path) -> Result<Manifest, Error> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
        Manifest::parse(path, &bytes)
    }
}

/// A tag's name in kebab case: lower case, every run of other characters one `-`
/// (`Image Actions` is `image-actions`, `1-Click Applications` is `1-click-applications`).
/// It names the tag's vendored file and its cargo feature.
pub fn kebab(tag: &str) -> String {
    let mut out = String::new();
    for c in tag.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// The vendored file of a tag.
pub fn file_name(tag: &str) -> String {
    format!("{}.yaml", kebab(tag))
}

/// Every file of `openapi/vendored/`, by name: one per tag, [`SHARED`], and [`NOTICE`].
pub fn vendor_tree(root_file: &Path, manifest: &Manifest) -> Result<BTreeMap<String, String>, Error> {
    let mut source = Source::open(root_file)?;
    let bundler = Bundler::new(&mut source).without_prose();
    let mut bundler = bundler;
    let chosen = bundler.select(&Selection { operations: Vec::new(), tags: manifest.tags.clone() })?;
    let doc = bundler.bundle(&chosen)?;
    split(&doc, manifest)
}

/// The tags upstream's operations carry that the manifest does not take (a new upstream tag
/// shows up here until the manifest names it).
pub fn untaken_tags(root_file: &Path, manifest: &Manifest) -> Result<Vec<String>, Error> {
    let mut source = Source::open(root_file)?;
    let mut bundler = Bundler::new(&mut source);
    let mut tags: BTreeSet<String> = BTreeSet::new();
    for c in bundler.candidates()? {
        tags.extend(c.tags.into_iter().filter(|t| !manifest.tags.contains(t)));
    }
    Ok(tags.into_iter().collect())
}

/// Splits one bundled document into the per-tag files and the shared file.
fn split(doc: &Value, manifest: &Manifest) -> Result<BTreeMap<String, String>, Error> {
    let taken: BTreeSet<&str> = manifest.tags.iter().map(String::as_str).collect();
    // Each operation goes to the file of every tag it carries that the manifest takes (one
    // upstream operation has two tags); the path item's own parameters go with it.
    let mut paths: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    if let Some(all) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in all {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let tags = op.get("tags").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
                for tag in tags.iter().filter_map(Value::as_str).filter(|t| taken.contains(t)) {
                    let entry = paths.entry(tag).or_default().entry(path.clone()).or_insert_with(|| json!({}));
                    if let Some(params) = item.get("parameters") {
                        entry["parameters"] = params.clone();
                    }
                    entry[method] = op.clone();
                }
            }
        }
    }
    let components = doc.get("components").and_then(Value::as_object).cloned().unwrap_or_default();
    // Which tags reach each component, through its references, transitively.
    let mut owners: BTreeMap<(String, String), BTreeSet<&str>> = BTreeMap::new();
    for (tag, tag_paths) in &paths {
        for key in reachable(&Value::Object(tag_paths.clone()), doc) {
            owners.entry(key).or_default().insert(tag);
        }
    }
    let mut owned: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    let mut shared: Map<String, Value> = Map::new();
    for (section, items) in &components {
        let Some(items) = items.as_object() else { continue };
        for (name, value) in items {
            let tags = owners.get(&(section.clone(), name.clone()));
            let bucket = match tags {
                Some(t) if t.len() == 1 => owned.entry(t.first().copied().unwrap_or_default()).or_default(),
                _ => &mut shared,
            };
            let section_map = bucket.entry(section.clone()).or_insert_with(|| json!({}));
            section_map[name] = value.clone();
        }
    }

    let header = |what: &str| {
        format!(
            "{what}, vendored from {} at {} by\n  cargo xtask vendor --upstream <upstream specification dir>\n\n\
             Upstream's structure and examples, without its prose. Never edited by hand:\n\
             `cargo xtask vendor --check` fails on any difference. Corrections live in\n\
             openapi/overlays/. Every $ref is local to the document all vendored files make together.",
            manifest.repository, manifest.commit
        )
    };
    let base = |extra: &[(&str, Value)]| {
        let mut m = Map::new();
        m.insert("openapi".into(), doc.get("openapi").cloned().unwrap_or_else(|| json!("3.0.3")));
        m.insert("info".into(), doc.get("info").cloned().unwrap_or_else(|| json!({"title": "API", "version": "1"})));
        for (k, v) in extra {
            m.insert((*k).to_owned(), v.clone());
        }
        m
    };
    let mut files = BTreeMap::new();
    for tag in &manifest.tags {
        let mut m = base(&[("tags", json!([{ "name": tag }]))]);
        m.insert("paths".into(), Value::Object(paths.get(tag.as_str()).cloned().unwrap_or_default()));
        if let Some(c) = owned.remove(tag.as_str()) {
            m.insert("components".into(), Value::Object(c));
        }
        files.insert(file_name(tag), to_yaml(&Value::Object(m), &header(&format!("The `{tag}` operations")))?);
    }
    let mut extra = Vec::new();
    for key in ["servers", "security"] {
        if let Some(v) = doc.get(key) {
            extra.push((key, v.clone()));
        }
    }
    let mut m = base(&extra);
    m.insert("paths".into(), json!({}));
    m.insert("components".into(), Value::Object(shared));
    files.insert(SHARED.to_owned(), to_yaml(&Value::Object(m), &header("What several tags share"))?);
    files.insert(NOTICE.to_owned(), notice(manifest));
    Ok(files)
}

fn notice(manifest: &Manifest) -> String {
    format!(
        "The files in this folder are derived from the DigitalOcean OpenAPI specification,\n\
         https://{}, commit {},\n\
         which DigitalOcean publishes under the {} license\n\
         (https://www.apache.org/licenses/LICENSE-2.0).\n\
         \n\
         They were changed: written by `cargo xtask vendor` as one file per tag, every $ref made\n\
         local, and upstream's descriptions, summaries and code samples left out. What remains is\n\
         the API's structure (paths, parameters, schemas) and upstream's example payloads.\n",
        manifest.repository, manifest.commit, manifest.license
    )
}

/// Every component (`(section, name)`) that `value` reaches, directly or through other
/// components.
pub(crate) fn reachable(value: &Value, doc: &Value) -> BTreeSet<(String, String)> {
    let mut seen = BTreeSet::new();
    let mut pending = Vec::new();
    collect_refs(value, &mut pending);
    while let Some(key) = pending.pop() {
        if seen.insert(key.clone())
            && let Some(target) = doc.pointer(&format!("/components/{}/{}", escape_token(&key.0), escape_token(&key.1)))
        {
            collect_refs(target, &mut pending);
        }
    }
    seen
}

/// The components named by `$ref`s (and discriminator mappings) inside `value`.
fn collect_refs(value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) => {
            if let Some(rest) = s.strip_prefix("#/components/") {
                let mut parts = rest.splitn(3, '/');
                if let (Some(section), Some(name)) = (parts.next(), parts.next()) {
                    let unescape = |t: &str| t.replace("~1", "/").replace("~0", "~");
                    out.push((unescape(section), unescape(name)));
                }
            }
        }
        Value::Object(m) => m.values().for_each(|v| collect_refs(v, out)),
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_kebab_case_file_names() {
        assert_eq!(file_name("Image Actions"), "image-actions.yaml");
        assert_eq!(file_name("1-Click Applications"), "1-click-applications.yaml");
        assert_eq!(file_name("GradientAI Platform"), "gradientai-platform.yaml");
        assert_eq!(file_name("BYOIP Prefixes"), "byoip-prefixes.yaml");
        assert_eq!(file_name("Add-Ons"), "add-ons.yaml");
        assert_eq!(kebab("VPC NAT Gateways"), "vpc-nat-gateways");
    }

    #[test]
    fn a_manifest_names_commit_and_tags() {
        let text = "upstream: {repository: github.com/x/y, commit: 7c1300c479fed9c353cda9fc21cd968619552304, license: Apache-2.0}\ntags: [A b, C]\n";
        let m = Manifest::parse(Path::new("m.yaml"), text.as_bytes()).unwrap();
        assert_eq!(m.tags, ["A b", "C"]);
        let bad = text.replace("7c1300c4", "zz");
        let e = Manifest::parse(Path::new("m.yaml"), bad.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("m.yaml") && e.contains("/upstream/commit"), "{e}");
        let clash = text.replace("[A b, C]", "[A b, A-B]");
        let e = Manifest::parse(Path::new("m.yaml"), clash.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("/tags/1") && e.contains("a-b.yaml"), "{e}");
    }
}
