//! The drift check: clean where the fragment matches upstream, failing on an undeclared
//! difference, passing once an `x-upstream-deviation` entry declares it. On the project's small
//! multi-file fixture always, and on the committed fragments against upstream's real spec when
//! `DO_UPSTREAM_SPEC` names its `specification/` folder.

mod common;

use std::path::{Path, PathBuf};

use generator::vendor::{self, Selection, drift};
use generator::{SpecFile, load};
use serde_json::{Value, json};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/multifile/api.yaml")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Writes `doc` to a temporary file and reads it back as a fragment, as the command would.
fn temp_fragment(name: &str, doc: &Value) -> SpecFile {
    let dir = std::env::temp_dir().join(format!("drift-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(doc).unwrap()).unwrap();
    load::read(&path).unwrap()
}

fn fixture_fragment() -> Value {
    let selection = Selection { operations: Vec::new(), tags: vec!["Widgets".into()] };
    let text = vendor::vendor(&fixture(), &selection, "test").unwrap();
    load::parse(Path::new("vendored.yaml"), text.as_bytes()).unwrap()
}

fn lines(report: &drift::Report) -> String {
    report.to_string()
}

#[test]
fn a_vendored_fragment_has_no_drift() {
    let report = drift::check(&fixture(), &temp_fragment("vendored.json", &fixture_fragment())).unwrap();
    assert!(report.differences.is_empty(), "{report}");
    assert_eq!(report.operations, ["widgets_create", "widgets_get", "widgets_list"]);
    assert!(report.passes());
}

#[test]
fn an_undeclared_difference_fails_and_passes_once_declared() {
    let mut doc = fixture_fragment();
    doc["components"]["schemas"]["widget"]["required"] = json!(["id"]);
    let report = drift::check(&fixture(), &temp_fragment("undeclared.json", &doc)).unwrap();
    assert!(!report.passes(), "{report}");
    let undeclared: Vec<String> = report.undeclared().map(ToString::to_string).collect();
    assert_eq!(
        undeclared,
        [
            "components/schemas/widget /required: upstream [id, name] (only here: name), fragment [id] (via widgets_create, widgets_get, widgets_list)"
        ],
        "{report}"
    );
    assert!(lines(&report).contains("UNDECLARED"), "{report}");

    doc["components"]["schemas"]["widget"]["x-upstream-deviation"] =
        json!([{"at": "required", "upstream": "`name` is required", "why": "a test"}]);
    let report = drift::check(&fixture(), &temp_fragment("declared.json", &doc)).unwrap();
    assert!(report.passes(), "{report}");
    assert_eq!(report.differences.len(), 1, "{report}");
    let declared = report.differences[0].declared.as_ref().expect("declared");
    assert_eq!((declared.holder.as_str(), declared.at.as_str()), ("/components/schemas/widget", "required"));
    assert!(report.unused.is_empty());
}

#[test]
fn an_entry_on_the_operation_covers_the_components_it_uses() {
    let mut doc = fixture_fragment();
    // A property the fragment adds to the shared error, reached from widgets_get only through
    // its responses.
    doc["components"]["schemas"]["error"]["properties"]["request_id"] = json!({"type": "string"});
    let report = drift::check(&fixture(), &temp_fragment("op-level.json", &doc)).unwrap();
    assert_eq!(report.undeclared().count(), 1, "{report}");
    // Declared for one operation only: still undeclared, because the others reach it too.
    doc["paths"]["/v1/widgets/{widget_id}"]["get"]["x-upstream-deviation"] =
        json!([{"at": "responses", "upstream": "no request id", "why": "a test"}]);
    let report = drift::check(&fixture(), &temp_fragment("op-level-one.json", &doc)).unwrap();
    assert!(!report.passes(), "{report}");
    for path in ["/v1/widgets"] {
        for method in ["get", "post"] {
            doc["paths"][path][method]["x-upstream-deviation"] =
                json!([{"at": "responses", "upstream": "no request id", "why": "a test"}]);
        }
    }
    let report = drift::check(&fixture(), &temp_fragment("op-level-all.json", &doc)).unwrap();
    assert!(report.passes(), "{report}");
}

#[test]
fn an_entry_on_a_written_default_covers_the_ranges_it_becomes() {
    let mut doc = fixture_fragment();
    let responses = doc["paths"]["/v1/widgets/{widget_id}"]["get"]["responses"].as_object_mut().unwrap();
    responses.remove("4XX");
    responses.remove("5XX");
    responses.insert(
        "default".into(),
        json!({"description": "e", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}}}),
    );
    let report = drift::check(&fixture(), &temp_fragment("default.json", &doc)).unwrap();
    let undeclared: Vec<String> = report.undeclared().map(ToString::to_string).collect();
    assert!(
        undeclared
            .iter()
            .any(|d| d.starts_with("widgets_get /responses/default/content/application~1json/schema/required")),
        "{report}"
    );
    doc["paths"]["/v1/widgets/{widget_id}"]["get"]["x-upstream-deviation"] =
        json!([{"at": "responses/default", "upstream": "the shared error", "why": "a test"}]);
    let report = drift::check(&fixture(), &temp_fragment("default-declared.json", &doc)).unwrap();
    assert!(report.passes(), "{report}");
}

#[test]
fn a_missing_operation_and_a_changed_status_are_differences() {
    let mut doc = fixture_fragment();
    let ok = doc["paths"]["/v1/widgets"]["post"]["responses"]["201"].take();
    let responses = doc["paths"]["/v1/widgets"]["post"]["responses"].as_object_mut().unwrap();
    responses.remove("201");
    responses.insert("200".into(), ok);
    doc["paths"]["/v1/widgets/{widget_id}"]["get"]["operationId"] = json!("widgets_read");
    let report = drift::check(&fixture(), &temp_fragment("status.json", &doc)).unwrap();
    let undeclared: Vec<String> = report.undeclared().map(ToString::to_string).collect();
    assert!(
        undeclared.iter().any(|d| d.starts_with("widgets_create /responses/200: upstream absent, fragment status 200")),
        "{report}"
    );
    assert!(undeclared.iter().any(|d| d.starts_with("widgets_create /responses/201: upstream status 201")), "{report}");
    assert!(
        undeclared.contains(
            &"widgets_read (whole): upstream no operation with this operationId, fragment GET /v1/widgets/{widget_id}"
                .to_owned()
        ),
        "{report}"
    );
}

#[test]
fn malformed_entries_are_errors() {
    let mut doc = fixture_fragment();
    doc["components"]["schemas"]["widget"]["x-upstream-deviation"] = json!([{"at": "required"}]);
    let e = drift::check(&fixture(), &temp_fragment("malformed.json", &doc)).unwrap_err().to_string();
    assert!(e.contains("malformed.json") && e.contains("/components/schemas/widget/x-upstream-deviation/0"), "{e}");
}

// Against upstream's real spec.

fn committed() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(workspace().join("openapi"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    files.sort();
    files
}

#[test]
fn committed_fragments_have_only_declared_drift() {
    let Some(root) = common::upstream() else { return };
    let files = committed();
    assert!(!files.is_empty());
    for file in files {
        let report = drift::check(&root, &load::read(&file).unwrap()).unwrap();
        assert!(report.passes(), "{report}");
    }
}

/// The image-actions fragment with one change, checked against upstream: the report names it.
fn image_actions_with(change: impl FnOnce(&mut Value), name: &str) -> Option<drift::Report> {
    let root = common::upstream()?;
    let mut doc = load::read(&workspace().join("openapi/image-actions.yaml")).unwrap().doc;
    change(&mut doc);
    Some(drift::check(&root, &temp_fragment(name, &doc)).unwrap())
}

#[test]
fn a_changed_type_fails() {
    let Some(report) = image_actions_with(
        |d| d["components"]["schemas"]["region"]["properties"]["available"]["type"] = json!("string"),
        "type.json",
    ) else {
        return;
    };
    assert!(!report.passes(), "{report}");
    let undeclared: Vec<String> = report.undeclared().map(ToString::to_string).collect();
    assert!(
        undeclared.iter().any(
            |d| d.starts_with("components/schemas/region /properties/available: upstream boolean, fragment string")
        ),
        "{report}"
    );
}

#[test]
fn a_changed_status_code_fails() {
    let Some(report) = image_actions_with(
        |d| {
            // list's 200 carries no deviation entry (get's and post's do).
            let responses = d["paths"]["/v2/images/{image_id}/actions"]["get"]["responses"].as_object_mut().unwrap();
            let ok = responses.remove("200").unwrap();
            responses.insert("202".into(), ok);
        },
        "status.json",
    ) else {
        return;
    };
    assert!(!report.passes(), "{report}");
    let undeclared: Vec<String> = report.undeclared().map(ToString::to_string).collect();
    assert!(
        undeclared.iter().any(|d| d.starts_with("imageActions_list /responses/200: upstream status 200")),
        "{report}"
    );
    assert!(undeclared.iter().any(|d| d.starts_with("imageActions_list /responses/202: upstream absent")), "{report}");
}

#[test]
fn a_changed_required_list_fails() {
    let Some(report) =
        image_actions_with(|d| d["components"]["schemas"]["error"]["required"] = json!(["id"]), "required.json")
    else {
        return;
    };
    assert!(!report.passes(), "{report}");
    let undeclared: Vec<String> = report.undeclared().map(ToString::to_string).collect();
    assert!(
        undeclared.iter().any(|d| d.starts_with(
            "components/schemas/error /required: upstream [id, message] (only here: message), fragment [id]"
        )),
        "{report}"
    );
}
