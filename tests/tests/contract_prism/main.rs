//! Contract tests: every SDK operation against Prism mocking a spec, with request validation
//! on. Every request the SDK builds must pass validation (no 422, no `sl-violations` header),
//! and every response Prism builds from the spec must decode, except for the deviations a run
//! lists as known quirks, which must then show up exactly as listed.
//!
//! Ignored by default because they need Prism (Node.js): `cargo xtask contract` installs the
//! pinned Prism into `.cache/prism/` and runs them; `cargo xtask ci` includes that step.
//!
//! Two specs are checked: the effective spec the SDK is generated from (`openapi/vendored/` with
//! `openapi/overlays/`, for the three tags the runs cover) and, when `DO_UPSTREAM_SPEC` is set,
//! DigitalOcean's published spec bundled for the three image-action operations. Each spec is mocked in up to three response modes: Prism's
//! default (the spec's examples where it has them), `--ignoreExamples` (values built from the
//! schemas) and `--dynamic` (random schema-valid values, seeded).

mod ops;
mod prism;
mod recorder;
mod runs;

use std::path::{Path, PathBuf};

use runs::{Mode, Quirk, Run};

/// What the upstream spec is known to get wrong, as the API (and so this SDK) sees it, when
/// Prism answers from its schemas. Each entry must show up in its run; a quirk that no longer
/// shows fails the test, so the list stays true.
///
/// With examples, upstream needs no entry: its examples wrap the action as the API does.
/// Upstream's request schema (an `anyOf` whose first branch accepts any `type` of the enum with
/// no other constraint) accepts a transfer to a region its closed enum lacks, and even one
/// with no region, so the requests validate there too.
const UPSTREAM_QUIRKS_SCHEMA_BUILT: &[Quirk] = &[Quirk {
    ops: &["convert", "transfer nyc3", "transfer atl1", "get"],
    shows: "missing field `action`",
    why: "upstream's success schema for these operations is a bare action; the API, upstream's own \
          examples and the fragment (x-upstream-deviation on responses/201 and responses/200) wrap it as {action}",
}];

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn sdk_requests_validate_against_the_effective_spec() {
    let spec = effective_spec();
    let runs = [Mode::Examples, Mode::SchemaBuilt, Mode::Dynamic].map(|mode| Run {
        spec: "effective spec",
        path: spec.clone(),
        mode,
        quirks: &[],
    });
    runs::check(&runs).await;
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn sdk_requests_validate_against_the_upstream_spec() {
    let Some(bundle) = upstream_bundle() else {
        return;
    };
    // No dynamic run: upstream's schemas lack the constraints (ids >= 1, required keys), so
    // random data breaks decoding in ways that change with the seed, not with the spec.
    let runs = [
        Run { spec: "upstream bundle", path: bundle.clone(), mode: Mode::Examples, quirks: &[] },
        Run { spec: "upstream bundle", path: bundle, mode: Mode::SchemaBuilt, quirks: UPSTREAM_QUIRKS_SCHEMA_BUILT },
    ];
    runs::check(&runs).await;
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The effective spec of the three tags the contract runs cover (vendored files, overlays and
/// normalization passes, as the code is generated from it), as one JSON file: Prism reads a
/// single document.
fn effective_spec() -> PathBuf {
    let root = workspace_root();
    let sources = generator::effective::Sources::read(&root.join("openapi/vendored"), &root.join("openapi/overlays"))
        .expect("the vendored files and overlays load");
    let tags = ["Image Actions", "Images", "Actions"].map(String::from);
    let doc = generator::effective::effective(&sources, &tags).expect("the overlays apply");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("contract-effective.json");
    std::fs::write(&out, serde_json::to_vec_pretty(&doc).expect("JSON")).expect("write the effective spec");
    out
}

/// The bundled upstream file next to the `specification/` folder `DO_UPSTREAM_SPEC` names.
/// Set but not found is a failure, not a skip.
fn upstream_bundle() -> Option<PathBuf> {
    let spec_dir = tests::upstream_spec()?;
    const NAME: &str = "image-actions.bundled.yaml";
    let found = spec_dir.ancestors().take(3).map(|d| d.join(NAME)).find(|p| p.is_file());
    Some(
        found.unwrap_or_else(|| panic!("DO_UPSTREAM_SPEC is set but no {NAME} sits in it or the two folders above it")),
    )
}
