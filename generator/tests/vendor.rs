//! Vendoring from a multi-file spec: the project's small fixture (always), and upstream's real
//! spec when `DO_UPSTREAM_SPEC` names its `specification/` folder.

mod common;

use std::path::{Path, PathBuf};

use generator::spec::{load, validate};
use generator::vendor::{self, Selection};
use generator::{Settings, SpecFile};
use serde_json::Value;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/multifile/api.yaml")
}

fn ops(ids: &[&str]) -> Selection {
    Selection { operations: ids.iter().map(|s| s.to_string()).collect(), tags: Vec::new() }
}

fn parsed(text: &str) -> Value {
    load::parse(Path::new("vendored.yaml"), text.as_bytes()).unwrap()
}

fn generates(text: &str) {
    let path = PathBuf::from("vendored.yaml");
    let file = SpecFile { doc: load::parse(&path, text.as_bytes()).unwrap(), bytes: text.as_bytes().to_vec(), path };
    generator::generate_files(&[file], &Settings::default()).unwrap_or_else(|e| panic!("{e}\n{text}"));
}

/// A scratch folder of files, for specs that must be broken in one precise way.
fn scratch(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vendor-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (file, text) in files {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir.join(files[0].0)
}

#[test]
fn fixture_operations_become_one_self_contained_fragment() {
    let text = vendor::vendor(&fixture(), &ops(&["widgets_list", "widgets_create", "widgets_get"]), "test").unwrap();
    assert!(
        text.starts_with(
            "# Vendored from upstream's multi-file OpenAPI spec (root document `api.yaml`) by\n#   test\n"
        )
    );
    let doc = parsed(&text);
    // Every reference is local and lands somewhere.
    let refs = validate::refs(&doc);
    assert!(!refs.is_empty());
    for (at, r) in &refs {
        validate::resolve_ref(Path::new("vendored.yaml"), &doc, at, r).unwrap();
    }
    // Components named after files and keys; the shared error keeps its plain name.
    for place in [
        "/components/schemas/widget",
        "/components/schemas/color",
        "/components/schemas/error",
        "/components/schemas/links",
        "/components/parameters/widget_id",
        "/components/parameters/color",
        "/components/headers/request-id",
        "/components/responses/widget",
        "/components/responses/widget_list",
        "/components/securitySchemes/token",
    ] {
        assert!(doc.pointer(place).is_some(), "{place} missing:\n{text}");
    }
    // The recursive schema refers to itself.
    assert_eq!(
        doc.pointer("/components/schemas/widget/properties/parts/items/$ref").unwrap(),
        "#/components/schemas/widget"
    );
    // The tag description `$ref` is resolved in place; unused tags are left out.
    assert_eq!(
        doc["tags"],
        serde_json::json!([{"name": "Widgets", "description": "Widgets are what the example API is about."}])
    );
    // Code samples and the root's prose are dropped.
    assert!(!text.contains("x-codeSamples") && !text.contains("curl"), "{text}");
    assert!(!text.contains("Not copied"), "{text}");
    // The normalization passes ran: the discriminated body is a tagged oneOf, default became ranges.
    let body = doc.pointer("/paths/~1v1~1widgets/post/requestBody/content/application~1json/schema").unwrap();
    assert_eq!(body["oneOf"][1]["properties"]["kind"]["enum"], serde_json::json!(["painted"]));
    assert!(doc.pointer("/paths/~1v1~1widgets/get/responses/4XX").is_some());
    assert!(doc.pointer("/paths/~1v1~1widgets/get/responses/default").is_none());
    generates(&text);
}

#[test]
fn discriminator_mappings_are_rewritten_to_components() {
    let doc = vendor::bundle(&fixture(), &ops(&["widgets_create"])).unwrap();
    let schema = doc.pointer("/paths/~1v1~1widgets/post/requestBody/content/application~1json/schema").unwrap();
    assert_eq!(
        schema["discriminator"]["mapping"],
        serde_json::json!({"plain": "#/components/schemas/plain", "painted": "#/components/schemas/painted"})
    );
    assert_eq!(schema["anyOf"][1]["$ref"], "#/components/schemas/painted");
    // The same-file `#/plain` inside painted.yml's allOf lands on the same component.
    assert_eq!(doc.pointer("/components/schemas/painted/allOf/0/$ref").unwrap(), "#/components/schemas/plain");
}

#[test]
fn a_whole_path_item_ref_and_a_name_collision() {
    let text = vendor::vendor(&fixture(), &ops(&["gadgets_list", "widgets_get"]), "test").unwrap();
    let doc = parsed(&text);
    assert!(doc.pointer("/paths/~1v1~1gadgets/get").is_some(), "{text}");
    // Two different `error.yml` files: the shorter path keeps `error`.
    assert_eq!(doc.pointer("/components/schemas/error/required").unwrap(), &serde_json::json!(["id", "message"]));
    assert_eq!(doc.pointer("/components/schemas/gadgets_error/required").unwrap(), &serde_json::json!(["code"]));
    generates(&text);
}

#[test]
fn tags_select_operations_and_output_is_stable() {
    let by_tag = Selection { operations: Vec::new(), tags: vec!["Widgets".into()] };
    let a = vendor::vendor(&fixture(), &by_tag, "test").unwrap();
    let b = vendor::vendor(&fixture(), &ops(&["widgets_get", "widgets_create", "widgets_list"]), "test").unwrap();
    assert_eq!(a, b, "the same operations, selected two ways, give the same bytes");
    assert_eq!(a, vendor::vendor(&fixture(), &by_tag, "test").unwrap());
    let doc = parsed(&a);
    assert!(doc.pointer("/paths/~1v1~1gadgets").is_none());
}

#[test]
fn unknown_selection_is_an_error() {
    let e = vendor::vendor(&fixture(), &ops(&["widgets_nope"]), "test").unwrap_err().to_string();
    assert!(e.contains("api.yaml") && e.contains("/paths") && e.contains("`widgets_nope`"), "{e}");
    let e = vendor::vendor(&fixture(), &Selection::default(), "test").unwrap_err().to_string();
    assert!(e.contains("nothing selected"), "{e}");
}

const ROOT: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      $ref: ops/a.yml\n";

#[test]
fn a_missing_file_names_the_referring_file_and_pointer() {
    let root = scratch(
        "missing",
        &[
            ("root.yaml", ROOT),
            ("ops/a.yml", "operationId: a\nresponses:\n  '200':\n    $ref: ../responses/gone.yml\n"),
        ],
    );
    let e = vendor::vendor(&root, &ops(&["a"]), "test").unwrap_err().to_string();
    assert!(e.contains("ops/a.yml: at /responses/200:"), "{e}");
    assert!(e.contains("responses/gone.yml") && e.contains("cannot be read"), "{e}");
}

#[test]
fn a_dangling_pointer_names_both_places() {
    let root = scratch(
        "dangling",
        &[
            ("root.yaml", ROOT),
            (
                "ops/a.yml",
                "operationId: a\nparameters:\n  - $ref: params.yml#/nope\nresponses: {'204': {description: ok}}\n",
            ),
            ("ops/params.yml", "id: {name: id, in: query, schema: {type: string}}\n"),
        ],
    );
    let e = vendor::vendor(&root, &ops(&["a"]), "test").unwrap_err().to_string();
    assert!(e.contains("ops/a.yml: at /parameters/0:"), "{e}");
    assert!(e.contains("points to nothing") && e.contains("params.yml has no value at `/nope`"), "{e}");
}

#[test]
fn a_reference_cycle_is_reported_not_followed() {
    let root = scratch(
        "cycle",
        &[
            ("root.yaml", ROOT),
            (
                "ops/a.yml",
                "operationId: a\nresponses:\n  '200':\n    description: ok\n    content: {application/json: {schema: {$ref: s.yml#/x}}}\n",
            ),
            ("ops/s.yml", "x: {$ref: '#/y'}\ny: {$ref: '#/x'}\n"),
        ],
    );
    let e = vendor::vendor(&root, &ops(&["a"]), "test").unwrap_err().to_string();
    assert!(e.contains("ops/a.yml: at /responses/200/content/application~1json/schema:"), "{e}");
    assert!(e.contains("$ref cycle: ops/a.yml#/responses/200/content/application~1json/schema -> ops/s.yml#/x -> ops/s.yml#/y -> ops/s.yml#/x"), "{e}");
    // An operation file that refers to itself in place is a cycle too.
    let root = scratch("self", &[("root.yaml", ROOT), ("ops/a.yml", "$ref: a.yml\n")]);
    let e = vendor::vendor(&root, &ops(&["a"]), "test").unwrap_err().to_string();
    assert!(e.contains("$ref cycle"), "{e}");
    // A value copied in place that contains a reference back to itself.
    let root = scratch(
        "nested",
        &[
            ("root.yaml", &format!("{ROOT}tags:\n  - name: t\n    description: {{$ref: 'tags.yml#/t'}}\n")),
            ("ops/a.yml", "operationId: a\ntags: [t]\nresponses: {'204': {description: ok}}\n"),
            ("tags.yml", "t:\n  more: {$ref: '#/t'}\n"),
        ],
    );
    let e = vendor::vendor(&root, &ops(&["a"]), "test").unwrap_err().to_string();
    assert!(e.contains("tags.yml: at /t/more:") && e.contains("$ref cycle: tags.yml#/t -> tags.yml#/t"), "{e}");
}

#[test]
fn the_root_is_found_in_a_folder() {
    let dir = fixture().parent().unwrap().to_path_buf();
    assert_eq!(vendor::find_root(&dir).unwrap(), fixture());
    assert_eq!(vendor::find_root(&fixture()).unwrap(), fixture());
    let e = vendor::find_root(&dir.join("shared")).unwrap_err().to_string();
    assert!(e.contains("no OpenAPI root document"), "{e}");
}

#[test]
fn upstream_image_actions_vendor_and_generate() {
    let Some(root) = common::upstream() else { return };
    let selection = ops(&["imageActions_list", "imageActions_post", "imageActions_get"]);
    let text = vendor::vendor(&root, &selection, "test").unwrap();
    let doc = parsed(&text);
    for place in [
        "/components/schemas/action",
        "/components/schemas/region",
        "/components/schemas/region_slug",
        "/components/schemas/error",
        "/components/parameters/image_id",
        "/components/parameters/action_id",
        "/components/headers/ratelimit-limit",
    ] {
        assert!(doc.pointer(place).is_some(), "{place} missing");
    }
    assert!(!text.contains("x-codeSamples"));
    assert_eq!(text, vendor::vendor(&root, &selection, "test").unwrap());
    generates(&text);
}
