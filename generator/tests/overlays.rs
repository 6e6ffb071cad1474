//! The committed overlays on the committed vendored files: they apply, every tag has an
//! effective spec, every operation generates, and an action that selects nothing stops
//! generation.

use std::path::{Path, PathBuf};

use generator::Settings;
use generator::effective::Sources;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn sources() -> Sources {
    let ws = workspace();
    Sources::read(&ws.join("openapi/vendored"), &ws.join("openapi/overlays")).unwrap()
}

/// The SDK's settings (as `cargo xtask generate` has them), so every output pass runs.
fn sdk_settings() -> Settings {
    Settings {
        module_path: "crate::generated".into(),
        inner_type: Some("crate::runtime::Runtime".into()),
        hooks_expected: false,
        runtime: Some("crate::runtime".into()),
        typed_ids: vec![
            generator::TypedId {
                schema: "action".into(),
                property: "id".into(),
                rust_path: "crate::ids::ActionId".into(),
            },
            generator::TypedId {
                schema: "image".into(),
                property: "id".into(),
                rust_path: "crate::ids::ImageId".into(),
            },
        ],
        timestamp_type: Some("crate::Timestamp".into()),
        ..Settings::default()
    }
}

#[test]
fn every_tag_has_an_effective_spec() {
    let doc = generator::effective::effective(&sources(), &[]).unwrap();
    let operations = generator::spec::validate::operations(&doc).len();
    assert_eq!(operations, 659, "upstream publishes 659 operations at the recorded commit");
}

#[test]
fn an_overlay_whose_target_selects_nothing_stops_generation() {
    let ws = workspace();
    let dir = std::env::temp_dir().join(format!("overlays-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("zz-stale.yaml"),
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths['/v2/gone'].get\n    x-why: upstream fixed this\n    update: {x-y: 1}\n",
    )
    .unwrap();
    let sources = Sources::read(&ws.join("openapi/vendored"), &dir).unwrap();
    let err =
        generator::generate_vendored(&sources, &["Actions".into()], &Settings::default()).unwrap_err().to_string();
    assert!(err.contains("zz-stale.yaml: at /actions/0: target `$.paths['/v2/gone'].get` selects nothing"), "{err}");
}

#[test]
fn every_operation_of_every_tag_generates() {
    let code = generator::generate_vendored(&sources(), &[], &sdk_settings()).unwrap();
    // One builder method per operation on the client.
    let methods = code.matches("    pub fn ").count();
    assert!(methods >= 659, "{methods} methods");
    for op in ["inference_upload_batch_file", "nfs_delete_access_point", "inference_create_messages", "tags_create"] {
        assert!(code.contains(&format!("pub fn {op}(")), "{op} missing");
    }
    // The operations whose error bodies differ keep both, as one enum.
    assert!(code.contains("pub enum TagsCreateErrorBody"), "tags_create's two error bodies");
}
