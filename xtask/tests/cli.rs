//! The `xtask` command line: stale code is caught with a diff, bad input exits non-zero with a
//! one-line error and no panic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn committed_code_is_current() {
    let out = xtask(&["generate", "--check"]);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
}

#[test]
fn a_changed_property_makes_check_fail_with_a_diff() {
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /things:\n    get:\n      operationId: things_list\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  kind: {type: string, description: The kind of thing}\n";
    let (file, out_file) = (scratch("spec.yaml"), scratch("spec.rs"));
    std::fs::write(&file, spec).unwrap();
    let (file_arg, out_arg) = (file.to_str().unwrap(), out_file.to_str().unwrap());
    assert!(xtask(&["generate", "--spec", file_arg, "--out", out_arg]).status.success());
    assert!(xtask(&["generate", "--check", "--spec", file_arg, "--out", out_arg]).status.success());
    std::fs::write(&file, spec.replace("The kind of thing", "CHANGED kind")).unwrap();
    let out = xtask(&["generate", "--check", "--spec", file_arg, "--out", out_arg]);
    assert!(!out.status.success());
    let stdout = text(&out.stdout);
    assert!(stdout.contains("+        ///CHANGED kind"), "{stdout}");
    assert!(stdout.contains("spec.rs (committed)"), "{stdout}");
    assert!(text(&out.stderr).contains("is stale"));
}

fn assert_clean_failure(out: &Output, expect: &str) {
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains(expect), "{stderr}");
    // A panic that escaped would print `thread '...' panicked at` and a backtrace note.
    assert!(!stderr.contains("thread '") && !stderr.contains("RUST_BACKTRACE"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
}

#[test]
fn bad_inputs_exit_non_zero_without_a_panic() {
    let cases: [(&str, &str, &str); 4] = [
        ("syntax.yaml", "openapi: 3.0.3\npaths: [\n", "syntax error"),
        ("v31.yaml", "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n", "3.1.0"),
        (
            "dangling.yaml",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a: {get: {operationId: a, responses: {'200': {$ref: '#/nope'}}}}\n",
            "/paths/~1a/get/responses/200",
        ),
        (
            "panics.yaml",
            // Two request media types: progenitor panics, and no pass rewrites that.
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: two\n      requestBody:\n        content:\n          application/json: {schema: {type: string}}\n          text/plain: {schema: {type: string}}\n      responses: {'204': {description: ok}}\n",
            "operation `two`",
        ),
    ];
    for (name, body, expect) in cases {
        let file = scratch(name);
        std::fs::write(&file, body).unwrap();
        let out =
            xtask(&["generate", "--spec", file.to_str().unwrap(), "--out", scratch("unused.rs").to_str().unwrap()]);
        assert_clean_failure(&out, expect);
    }
    let missing = xtask(&["generate", "--spec", Path::new("openapi/does-not-exist.yaml").to_str().unwrap()]);
    assert_clean_failure(&missing, "openapi/does-not-exist.yaml");
}

#[test]
fn spec_prints_the_effective_document_of_a_tag() {
    let out = xtask(&["spec", "--tag", "Image Actions"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.starts_with("# The effective spec (tags Image Actions)"), "{stdout}");
    let doc: serde_yaml::Value = serde_yaml::from_str(&stdout).unwrap();
    // The overlays are in: the list pages, the body is the tagged one, a default became ranges.
    let list = &doc["paths"]["/v2/images/{image_id}/actions"]["get"];
    assert_eq!(list["parameters"].as_sequence().map(Vec::len), Some(3), "{stdout}");
    assert!(list["responses"]["4XX"].is_mapping(), "{stdout}");
    assert!(doc["components"]["schemas"]["image_action"]["oneOf"].is_sequence(), "{stdout}");
    assert!(doc["paths"]["/v2/images"].is_null(), "only the tag's operations");
    let out = xtask(&["spec", "--tag", "No Such Tag"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("no operation has the tag `No Such Tag`"));
}

#[test]
fn the_split_output_is_checked_for_staleness() {
    let dir = scratch("split");
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.to_str().unwrap();
    let out = xtask(&["generate", "--tag", "Actions", "--out-dir", d]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains("2 operations in 1 tag features") && stdout.contains("actions = []"), "{stdout}");
    assert!(stdout.contains(r#"actions = ["digitalocean-sdk-types-core/actions"]"#), "{stdout}");
    // The operations in the folder, the types beside them as their crates lay them out.
    for file in ["mod.rs", "actions.rs", "types-core/types.rs", "types-core/ids.rs", "types-ext/types.rs"] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    assert!(!dir.join("types.rs").exists());
    assert!(xtask(&["generate", "--tag", "Actions", "--out-dir", d, "--check"]).status.success());
    let types = dir.join("types-core/types.rs");
    let fresh = std::fs::read_to_string(&types).unwrap();
    std::fs::write(&types, format!("{fresh}// edited by hand\n")).unwrap();
    let out = xtask(&["generate", "--tag", "Actions", "--out-dir", d, "--check"]);
    assert!(!out.status.success());
    assert!(text(&out.stdout).contains("types.rs (committed)"), "{}", text(&out.stdout));
    std::fs::write(&types, fresh).unwrap();
    let edited = std::fs::read_to_string(dir.join("actions.rs")).unwrap().replace("actions_get", "actions_fetch");
    std::fs::write(dir.join("actions.rs"), edited).unwrap();
    let out = xtask(&["generate", "--tag", "Actions", "--out-dir", d, "--check"]);
    assert!(!out.status.success());
    assert!(text(&out.stdout).contains("actions.rs (committed)"), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("is stale"), "{}", text(&out.stderr));
}
