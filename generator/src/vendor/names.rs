//! Component names for bundled upstream values: readable, and the same for the same input.
//!
//! A whole file is named by its stem (`shared/models/error.yml` is `error`), a value inside a
//! file by its key (`parameters.yml#/image_id` is `image_id`), and a value deep inside a schema
//! by the file or outer key and the last key (`droplet.yml#/properties/id` is `droplet_id`).
//! When two different values would get the same name in one section, the one with the
//! shortest path (then the first in path order) keeps it, so a shared definition keeps its
//! plain name whatever else is vendored beside it; each other one is prefixed with its nearest
//! distinctive folders (`gadgets_error`), and a number as the last resort.

use std::collections::{BTreeMap, BTreeSet};

use super::source::Loc;

// JSON-pointer tokens that are schema or document structure, not names.
const STRUCTURAL: &[&str] = &[
    "properties",
    "items",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "additionalProperties",
    "schema",
    "content",
    "components",
    "schemas",
    "parameters",
    "responses",
    "headers",
];

// Folder names that say what kind of file is inside, not whose it is.
const GENERIC_FOLDERS: &[&str] =
    &["resources", "shared", "models", "responses", "attributes", "parameters", "examples", "definitions", "schemas"];

/// One name per `(section, place)`, in the same order. `reserved` holds names already used in a
/// section (the security schemes copied by name).
pub(crate) fn assign(
    components: &[(&'static str, &Loc)],
    root_file: &str,
    reserved: &BTreeMap<&str, BTreeSet<String>>,
) -> Vec<String> {
    let bases: Vec<String> = components.iter().map(|(_, loc)| base(loc, root_file)).collect();
    let mut groups: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (i, (section, _)) in components.iter().enumerate() {
        groups.entry((section, bases[i].as_str())).or_default().push(i);
    }
    let mut taken: BTreeMap<&str, BTreeSet<String>> = reserved.clone();
    let mut out = vec![String::new(); components.len()];
    let mut losers = Vec::new();
    for ((section, base), members) in &groups {
        let mut members = members.clone();
        members.sort_by_key(|&i| (components[i].1.file.matches('/').count(), components[i].1.clone()));
        let used = taken.entry(section).or_default();
        let mut rest = members.as_slice();
        if !used.contains(*base) {
            used.insert((*base).to_owned());
            out[members[0]] = (*base).to_owned();
            rest = &members[1..];
        }
        losers.extend(rest.iter().map(|&i| (*section, i)));
    }
    for (section, i) in losers {
        let used = taken.entry(section).or_default();
        let qualifiers = qualifiers(&components[i].1.file);
        let base = &bases[i];
        let mut chosen = None;
        for k in 1..=qualifiers.len() {
            let mut parts: Vec<&str> = qualifiers[..k].iter().rev().map(String::as_str).collect();
            parts.push(base);
            let name = parts.join("_");
            if !used.contains(&name) {
                chosen = Some(name);
                break;
            }
        }
        let name = chosen.unwrap_or_else(|| {
            (2..)
                .map(|n| format!("{base}_{n}"))
                .find(|n| !used.contains(n))
                .expect("an unbounded range has a free name")
        });
        used.insert(name.clone());
        out[i] = name;
    }
    out
}

/// The name a value gets before collisions are settled.
fn base(loc: &Loc, root_file: &str) -> String {
    let tokens: Vec<String> = loc.pointer.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect();
    let stem = stem(&loc.file);
    let name = if tokens.is_empty() {
        stem
    } else if loc.file == root_file && tokens.len() == 3 && tokens[0] == "components" {
        tokens[2].clone()
    } else {
        let meaningful: Vec<&String> = tokens
            .iter()
            .filter(|t| !STRUCTURAL.contains(&t.as_str()) && !t.chars().all(|c| c.is_ascii_digit()))
            .collect();
        let starts_structural = STRUCTURAL.contains(&tokens[0].as_str());
        match (starts_structural, meaningful.as_slice()) {
            (_, []) => format!("{stem}_{}", tokens[tokens.len() - 1]),
            (true, [.., last]) => format!("{stem}_{last}"),
            (false, [only]) => (*only).clone(),
            (false, [first, .., last]) => format!("{first}_{last}"),
        }
    };
    sanitize(&name)
}

fn stem(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    match name.rsplit_once('.') {
        Some((s, _)) if !s.is_empty() => s.to_owned(),
        _ => name.to_owned(),
    }
}

// Component names may hold only letters, digits, `.`, `-` and `_` (OpenAPI 3.0).
fn sanitize(name: &str) -> String {
    let out: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    if out.is_empty() { "unnamed".to_owned() } else { out }
}

// The file's folders, nearest first, without the generic ones.
fn qualifiers(file: &str) -> Vec<String> {
    let mut folders: Vec<&str> = file.split('/').collect();
    folders.pop();
    folders
        .into_iter()
        .rev()
        .filter(|f| !GENERIC_FOLDERS.contains(f) && *f != "." && *f != "..")
        .map(sanitize)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(file: &str, pointer: &str) -> Loc {
        Loc { file: file.into(), pointer: pointer.into() }
    }

    #[test]
    fn names_come_from_files_and_keys() {
        let root = "root.yaml";
        assert_eq!(base(&loc("shared/models/error.yml", ""), root), "error");
        assert_eq!(base(&loc("resources/images/parameters.yml", "/image_id"), root), "image_id");
        assert_eq!(base(&loc("resources/d/droplet.yml", "/properties/id"), root), "droplet_id");
        assert_eq!(base(&loc("resources/d/m.yml", "/image/properties/id"), root), "image_id");
        assert_eq!(base(&loc("root.yaml", "/components/schemas/thing"), root), "thing");
        assert_eq!(base(&loc("x/we ird.yml", ""), root), "we_ird");
    }

    #[test]
    fn the_shortest_path_keeps_a_contested_name() {
        let a = loc("resources/gadgets/models/error.yml", "");
        let b = loc("shared/models/error.yml", "");
        let c = loc("resources/widgets/models/error.yml", "");
        let names = assign(&[("schemas", &a), ("schemas", &b), ("schemas", &c)], "root.yaml", &BTreeMap::new());
        assert_eq!(names, ["gadgets_error", "error", "widgets_error"]);
        // Order of discovery does not change the outcome.
        let names = assign(&[("schemas", &c), ("schemas", &a), ("schemas", &b)], "root.yaml", &BTreeMap::new());
        assert_eq!(names, ["widgets_error", "gadgets_error", "error"]);
        // Different sections do not collide.
        let names = assign(&[("schemas", &a), ("responses", &b)], "root.yaml", &BTreeMap::new());
        assert_eq!(names, ["error", "error"]);
    }

    #[test]
    fn numbers_are_the_last_resort() {
        let a = loc("models/error.yml", "");
        let b = loc("shared/error.yml", "");
        let names = assign(&[("schemas", &a), ("schemas", &b)], "root.yaml", &BTreeMap::new());
        assert_eq!(names, ["error", "error_2"]);
    }
}
