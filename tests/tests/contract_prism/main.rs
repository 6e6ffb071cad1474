//! Contract tests: SDK operations against Prism mocking a spec, with request validation on.
//! Every request the SDK builds must pass validation (no 422, no `sl-violations` header), and
//! every response Prism builds from the spec must decode, except for the deviations a run
//! lists as known quirks, which must then show up exactly as listed.
//!
//! Ignored by default because they need Prism (Node.js): `cargo xtask contract` installs the
//! pinned Prism into `.cache/prism/` and runs them, with the tests crate's `whole-api` feature;
//! `cargo xtask ci` includes that step.
//!
//! Two kinds of test:
//! - every operation of the API through its handle (`every_operation`, with `whole-api` only),
//!   judging the requests alone, against the effective spec of every tag and, when
//!   `DO_UPSTREAM_SPEC` is set, upstream's own multi-file spec as it is published;
//! - the image actions in depth (`runs`), requests and responses: against the effective spec of
//!   the three hand-written tags and, when `DO_UPSTREAM_SPEC` is set, DigitalOcean's published
//!   spec bundled for the three image-action operations. Each spec is mocked in up to three
//!   response modes: Prism's default (the spec's examples where it has them),
//!   `--ignoreExamples` (values built from the schemas) and `--dynamic` (random schema-valid
//!   values, seeded).

#[cfg(feature = "whole-api")]
mod every_operation;
mod ops;
#[cfg(feature = "whole-api")]
#[path = "../common/plan.rs"]
mod plan;
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
          examples and the overlay (openapi/overlays/image-actions.yaml) wrap it as {action}",
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

/// Operations whose request upstream's own spec rejects because upstream is wrong there, each
/// with the overlay that corrects it. Each must show up as listed: one whose request validates
/// again fails the test, so the list stays true.
#[cfg(feature = "whole-api")]
const UPSTREAM_LISTED: &[every_operation::Listed] = &[
    every_operation::Listed {
        id: "apps_update",
        shows: "logtail must have required property 'endpoint'",
        fixed_by: "openapi/overlays/handle-calls.yaml, `app_log_destination_logtail_spec.required`",
        why: "upstream's Logtail destination requires `endpoint`, a property it does not define, and the \
              documented request example (which the SDK sends) has a Logtail destination with its `token` only",
    },
    every_operation::Listed {
        id: "dropletActions_post_byTag",
        shows: "must match exactly one schema in oneOf",
        fixed_by: "the normalization pass `tag_discriminated_bodies` (generator/src/normalize/), which makes \
                   each action type a variant of its own",
        why: "upstream's body is a `oneOf` of `droplet_action` and `droplet_action_snapshot`, which is \
              `droplet_action` plus an optional `name`: every body matches both, so none matches exactly one \
              (Prism, like any JSON Schema validator, does not let the `discriminator` choose)",
    },
    every_operation::Listed {
        id: "uptime_create_check",
        shows: "must have required property 'method'",
        fixed_by: "openapi/overlays/handle-calls.yaml, the create-check body's `required`",
        why: "upstream's create-check body requires `method`, a property neither it nor `check_updatable` \
              defines; the documented request example (which the SDK sends) leaves it out",
    },
];

/// Every operation of the whole API through its SDK handle, against Prism mocking the effective
/// spec (every tag) and upstream's own multi-file spec as it is: no request may draw a
/// violation from either, but for the listed upstream quirks.
#[cfg(feature = "whole-api")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn every_request_validates_against_both_specs() {
    let effective = effective_spec_of(&[], "contract-effective-all.json");
    let own_servers = own_servers(&effective);
    let mut specs = vec![every_operation::Spec { label: "effective spec, every tag", path: effective, listed: &[] }];
    if let Some(dir) = tests::upstream_spec() {
        let root = generator::vendor::find_root(&dir).unwrap_or_else(|e| panic!("DO_UPSTREAM_SPEC: {e}"));
        specs.push(every_operation::Spec { label: "upstream spec as published", path: root, listed: UPSTREAM_LISTED });
    }
    every_operation::check(&specs, &own_servers).await;
}

/// The operationIds that name a server of their own in the spec at `path` (JSON).
#[cfg(feature = "whole-api")]
fn own_servers(path: &Path) -> std::collections::BTreeSet<String> {
    let text = std::fs::read(path).expect("the effective spec was just written");
    let doc: serde_json::Value = serde_json::from_slice(&text).expect("JSON");
    let items = doc["paths"].as_object().into_iter().flat_map(|paths| paths.values());
    let ops = items.flat_map(|item| item.as_object().into_iter().flat_map(|m| m.values()));
    ops.filter(|op| op.get("servers").is_some()).filter_map(|op| op["operationId"].as_str().map(String::from)).collect()
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The effective spec of the three tags the contract runs cover.
fn effective_spec() -> PathBuf {
    let tags = ["Image Actions", "Images", "Actions"].map(String::from);
    effective_spec_of(&tags, "contract-effective.json")
}

/// The effective spec of `tags` (every tag when empty) as the code is generated from it
/// (vendored files, overlays and normalization passes), as one JSON file named `name`: Prism
/// reads a single document. Its constraints stay schemas (not the rustdoc the generated types
/// get): Prism judges requests by them and makes its answers within them, as the API does.
fn effective_spec_of(tags: &[String], name: &str) -> PathBuf {
    let root = workspace_root();
    let sources = generator::effective::Sources::read(&root.join("openapi/vendored"), &root.join("openapi/overlays"))
        .expect("the vendored files and overlays load");
    let mut doc = generator::effective::effective(&sources, tags).expect("the overlays apply");
    generator::normalize::normalize_keeping_constraints(&mut doc);
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
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
