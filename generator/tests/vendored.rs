//! The vendored tree: every tag in one run, split per tag plus `shared.yaml`, without upstream's
//! prose; and the committed `openapi/vendored/` checked against upstream and for prose.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use generator::vendor::{self, Manifest};
use serde_json::Value;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn scratch(name: &str, files: &[(&str, &str)]) -> PathBuf {
    // Tests run in parallel and several write the same spec: one folder per call.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("vendored-test-{}-{name}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (file, text) in files {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir.join(files[0].0)
}

fn manifest(tags: &[&str]) -> Manifest {
    Manifest {
        repository: "github.com/example/api".into(),
        commit: "0".repeat(40),
        license: "Apache-2.0".into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
    }
}

fn parse(name: &str, text: &str) -> Value {
    generator::spec::load::parse(Path::new(name), text.as_bytes()).unwrap()
}

const ROOT: &str = "openapi: 3.0.3
info: {title: t, version: '1', description: upstream's words}
servers: [{url: 'https://x.invalid', description: production}]
tags:
  - {name: Things, description: upstream's words, externalDocs: {url: 'https://x.invalid'}}
  - {name: Other Things, description: upstream's words}
paths:
  /things:
    get: {$ref: 'ops/things_list.yml'}
  /others:
    get: {$ref: 'ops/others_list.yml'}
  /others-all:
    get: {$ref: 'ops/others_all.yml'}
";

fn spec() -> PathBuf {
    scratch(
        "spec",
        &[
            ("root.yaml", ROOT),
            (
                "ops/things_list.yml",
                "operationId: things_list\nsummary: upstream's words\ndescription: upstream's words\ntags: [Things]\n\
                 x-codeSamples: [{lang: sh, source: curl}]\n\
                 parameters:\n  - {name: description, in: query, description: upstream's words, schema: {type: string}}\n\
                 \x20 - {name: title, in: query, schema: {type: string, title: upstream's words}}\n\
                 responses:\n  '200':\n    description: upstream's words\n    content:\n      application/json:\n\
                 \x20       schema: {$ref: 'models/thing.yml'}\n\
                 \x20       example: {$ref: 'examples.yml#/thing'}\n\
                 \x20 default: {$ref: 'shared.yml#/error'}\n",
            ),
            (
                "ops/others_list.yml",
                "operationId: others_list\ntags: [Other Things]\nresponses:\n  '200':\n    description: x\n\
                 \x20   content: {application/json: {schema: {type: object, properties: {$ref: 'models/attrs.yml#/thing_ids'}}}}\n\
                 \x20 default: {$ref: 'shared.yml#/error'}\n",
            ),
            (
                "ops/models/thing.yml",
                "type: object\ntitle: upstream's words\ndescription: upstream's words\nproperties:\n  description:\n    type: string\n    description: upstream's words\n    example: a thing\n  title: {type: string, title: upstream's words, example: a title}\n  id: {type: integer, maximum: 18446744073709552000}\n",
            ),
            (
                "ops/others_all.yml",
                "operationId: others_all\ntags: [Other Things]\nresponses:\n  '200':\n    description: x\n\
                 \x20   content: {application/json: {schema: {allOf: [{type: object, properties: {name: {type: string}}}, \
                 {type: object, properties: {$ref: 'models/attrs.yml#/thing_ids'}}]}}}\n\
                 \x20 default: {$ref: 'shared.yml#/error'}\n",
            ),
            ("ops/models/attrs.yml", "thing_ids:\n  thing_ids: {type: array, items: {type: integer}}\n"),
            ("ops/examples.yml", "thing: {description: a fact in an example, id: 1}\n"),
            (
                "ops/shared.yml",
                "error:\n  description: upstream's words\n  content: {application/json: {schema: {type: object, properties: {id: {type: string}}}}}\n",
            ),
        ],
    )
}

fn tree() -> BTreeMap<String, String> {
    vendor::vendor_tree(&spec(), &manifest(&["Things", "Other Things"])).unwrap()
}

#[test]
fn one_file_per_tag_plus_shared_and_notice() {
    let files = tree();
    assert_eq!(files.keys().collect::<Vec<_>>(), ["NOTICE", "other-things.yaml", "shared.yaml", "things.yaml"]);
    let things = parse("things.yaml", &files["things.yaml"]);
    let others = parse("other-things.yaml", &files["other-things.yaml"]);
    let shared = parse("shared.yaml", &files["shared.yaml"]);
    assert!(things.pointer("/paths/~1things/get").is_some() && things.pointer("/paths/~1others").is_none());
    assert!(others.pointer("/paths/~1others/get").is_some());
    // Only `things_list` reaches `thing`: it lives with its tag; both reach the error: shared.
    assert!(things.pointer("/components/schemas/thing").is_some());
    assert!(shared.pointer("/components/responses/error").is_some());
    assert!(things.pointer("/components/responses/error").is_none());
    assert_eq!(shared["security"], Value::Null);
    assert_eq!(shared["servers"], serde_json::json!([{"url": "https://x.invalid"}]));
    assert!(files["NOTICE"].contains("github.com/example/api") && files["NOTICE"].contains(&"0".repeat(40)));
    assert!(files["NOTICE"].contains("Apache-2.0"));
    // The same input gives the same bytes.
    assert_eq!(files, tree());
    // The files merge into one document.
    let specs: Vec<generator::SpecFile> = ["shared.yaml", "things.yaml", "other-things.yaml"]
        .iter()
        .map(|n| generator::SpecFile {
            path: n.into(),
            bytes: files[*n].clone().into_bytes(),
            doc: parse(n, &files[*n]),
        })
        .collect();
    generator::prepare(&specs).unwrap();
}

#[test]
fn prose_is_left_out_and_structure_named_description_or_title_stays() {
    let files = tree();
    let text = &files["things.yaml"];
    assert!(!text.contains("upstream's words"), "{text}");
    assert!(!files["shared.yaml"].contains("upstream's words"), "{}", files["shared.yaml"]);
    assert!(!text.contains("x-codeSamples") && !text.contains("externalDocs") && !text.contains("curl"), "{text}");
    let doc = parse("things.yaml", text);
    // A property named `description` and a parameter named `description` are structure.
    assert_eq!(doc.pointer("/components/schemas/thing/properties/description/type").unwrap(), "string");
    assert_eq!(doc.pointer("/components/schemas/thing/properties/description/example").unwrap(), "a thing");
    assert_eq!(doc.pointer("/paths/~1things/get/parameters/0/name").unwrap(), "description");
    // So are a property and a parameter named `title`; a schema's own `title` is upstream's words.
    assert_eq!(doc.pointer("/components/schemas/thing/properties/title/type").unwrap(), "string");
    assert_eq!(doc.pointer("/components/schemas/thing/properties/title/example").unwrap(), "a title");
    assert_eq!(doc.pointer("/paths/~1things/get/parameters/1/name").unwrap(), "title");
    assert_eq!(doc.pointer("/paths/~1things/get/parameters/1/schema"), Some(&serde_json::json!({"type": "string"})));
    assert_eq!(doc.pointer("/components/schemas/thing/title"), None);
    assert_eq!(doc.pointer("/components/schemas/thing/properties/title/title"), None);
    // The document's own name is not prose.
    assert_eq!(doc.pointer("/info/title").unwrap(), "t");
    // An example payload is a fact, kept whole, and a `$ref` to it is copied in place.
    let example = doc.pointer("/paths/~1things/get/responses/200/content/application~1json/example").unwrap();
    assert_eq!(example, &serde_json::json!({"description": "a fact in an example", "id": 1}));
    // A number beyond u64 is kept.
    assert_eq!(
        doc.pointer("/components/schemas/thing/properties/id/maximum").unwrap().as_f64(),
        Some(18446744073709552000.0)
    );
}

#[test]
fn a_map_of_properties_given_as_a_ref_is_copied_in_place() {
    let files = tree();
    let doc = parse("other-things.yaml", &files["other-things.yaml"]);
    let props = doc.pointer("/paths/~1others/get/responses/200/content/application~1json/schema/properties").unwrap();
    assert_eq!(props["thing_ids"]["items"]["type"], "integer");
    assert!(props.get("$ref").is_none(), "{props}");
}

#[test]
fn a_map_of_properties_given_as_a_ref_inside_all_of_is_copied_in_place() {
    // Upstream's Load Balancers write it so (`load_balancer_create.yml`): left as a `$ref` into
    // another file, the vendored document would not stand on its own.
    let files = tree();
    let doc = parse("other-things.yaml", &files["other-things.yaml"]);
    let all_of = doc.pointer("/paths/~1others-all/get/responses/200/content/application~1json/schema/allOf").unwrap();
    assert_eq!(all_of[0]["properties"]["name"]["type"], "string", "{all_of}");
    let props = &all_of[1]["properties"];
    assert_eq!(props["thing_ids"]["items"]["type"], "integer", "{all_of}");
    assert!(props.get("$ref").is_none(), "{props}");
}

#[test]
fn the_check_names_a_changed_missing_or_extra_file() {
    let fresh = tree();
    let mut committed = fresh.clone();
    let dir = Path::new("openapi/vendored");
    assert!(vendor::check_tree(dir, &committed, &fresh, "vendored from upstream").passes());
    committed.insert("things.yaml".into(), fresh["things.yaml"].replace("type: integer", "type: string"));
    committed.remove("NOTICE");
    committed.insert("old.yaml".into(), String::new());
    let check = vendor::check_tree(dir, &committed, &fresh, "vendored from upstream");
    assert_eq!(check.diffs.len(), 1);
    assert!(check.diffs[0].starts_with("--- openapi/vendored/things.yaml (committed)"), "{}", check.diffs[0]);
    assert!(check.diffs[0].contains("-      id:") || check.diffs[0].contains("type: string"), "{}", check.diffs[0]);
    assert_eq!(check.missing, ["openapi/vendored/NOTICE"]);
    assert_eq!(check.extra, ["openapi/vendored/old.yaml"]);
}

#[test]
fn changes_are_reported_per_tag() {
    let after = tree();
    let mut before = after.clone();
    before.insert("other-things.yaml".into(), after["other-things.yaml"].replace("/others:", "/gone:"));
    let lines = vendor::changes(&before, &after);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("other-things.yaml: operations added: GET /others; removed: GET /gone"), "{lines:?}");
}

/// Keys whose values are maps of names (any key is allowed there), not OpenAPI objects.
const NAME_MAPS: &[&str] = &[
    "properties",
    "paths",
    "responses",
    "content",
    "headers",
    "schemas",
    "parameters",
    "requestBodies",
    "securitySchemes",
    "links",
    "callbacks",
    "encoding",
    "examples",
    "mapping",
    "variables",
];
/// Keys whose values are payloads or lists of values, never prose keys to look into.
const LITERALS: &[&str] = &["example", "value", "default", "enum", "required", "security"];
const PROSE: &[&str] = &["description", "summary", "title", "x-codeSamples", "externalDocs"];

/// Every prose key in `v`, as JSON pointers; `in_names` when `v` is a map of names.
fn prose(v: &Value, at: &str, in_names: bool, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                if in_names {
                    prose(child, &here, false, out);
                } else if here == "/info/title" {
                    // The document's name, which OpenAPI requires: not upstream's prose.
                } else if PROSE.contains(&k.as_str()) {
                    out.push(here);
                } else if LITERALS.contains(&k.as_str()) {
                    // Example payloads and enum values are facts.
                } else {
                    // `parameters` of an operation is a list; under `components` a map.
                    prose(child, &here, NAME_MAPS.contains(&k.as_str()) && child.is_object(), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                prose(child, &format!("{at}/{i}"), false, out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_prose_walker_finds_prose_and_spares_names() {
    let doc = serde_json::json!({"info": {"title": "name"}, "components": {"schemas": {"a": {"description": "x",
        "properties": {"description": {"type": "string", "summary": "y"}, "title": {"type": "string", "title": "z"}},
        "example": {"description": "fact", "title": "fact"}}}}});
    let mut found = Vec::new();
    prose(&doc, "", false, &mut found);
    assert_eq!(
        found,
        [
            "/components/schemas/a/description",
            "/components/schemas/a/properties/description/summary",
            "/components/schemas/a/properties/title/title"
        ]
    );
}

#[test]
fn no_prose_in_the_committed_vendored_files() {
    let dir = workspace().join("openapi/vendored");
    let files = vendor::read_tree(&dir).unwrap();
    assert!(files.len() > 50, "openapi/vendored/ holds {} files", files.len());
    let mut found = Vec::new();
    for (name, text) in files.iter().filter(|(n, _)| n.ends_with(".yaml")) {
        let mut here = Vec::new();
        prose(&parse(name, text), "", false, &mut here);
        found.extend(here.into_iter().map(|p| format!("{name}#{p}")));
    }
    assert!(found.is_empty(), "{} prose keys, first: {:?}", found.len(), &found[..found.len().min(10)]);
}

#[test]
fn the_committed_vendored_files_are_what_upstream_gives() {
    let Some(root) = common::upstream() else { return };
    let ws = workspace();
    let manifest = Manifest::read(&ws.join("openapi/manifest/upstream.yaml")).unwrap();
    assert_eq!(manifest.tags.len(), 56);
    let fresh = vendor::vendor_tree(&root, &manifest).unwrap();
    let committed = vendor::read_tree(&ws.join("openapi/vendored")).unwrap();
    let check = vendor::check_tree(Path::new("openapi/vendored"), &committed, &fresh, "vendored from upstream");
    assert!(check.passes(), "{}\nmissing {:?}\nextra {:?}", check.diffs.join("\n"), check.missing, check.extra);
}
