//! `cargo xtask generate [--check]`: the vendored files and the overlays in, the `sdk` crate's
//! `src/generated/` (a file per tag) and its tag features out, with the examples test's table
//! and the fake API's table of operations.

use std::path::{Path, PathBuf};

/// Where `--spec FILE` writes unless `--out` says otherwise.
pub const OUTPUT: &str = "sdk/src/generated.rs";
/// Where the generated code goes.
pub const OUTPUT_DIR: &str = "sdk/src/generated";
/// Where the generated resource handles go (the whole API only).
pub const HANDLES_DIR: &str = "sdk/src/api/generated";
/// The operations whose handle methods are written by hand (`sdk/src/api/images.rs`,
/// `account_transfers.rs`), in `impl` blocks on the generated `Images` handle: they add meaning
/// over the generated call (a slug checked before it is sent, required body fields as
/// arguments, typed transfers), and an operation must have one public way to be called.
pub const HANDWRITTEN_OPERATIONS: [&str; 8] = [
    "images_list",
    "images_create_custom",
    "images_get",
    "images_update",
    "images_post_account_transfer_create",
    "images_post_account_transfer_accept",
    "images_post_account_transfer_cancel",
    "images_post_account_transfer_decline",
];
/// The manifest whose `[features]` table carries the tag features, between the markers.
pub const SDK_MANIFEST: &str = "sdk/Cargo.toml";
/// The crates of the generated types, by package and folder (`generator::emitters::types_crates`): the
/// lower one, with the shared types and the typed ids, and the upper one.
pub const TYPES_CRATES: [(&str, &str); 2] =
    [("digitalocean-sdk-types-core", "types-core"), ("digitalocean-sdk-types-ext", "types-ext")];
/// The tags whose own types go to the upper crate. Chosen by the size of their types, so that
/// neither crate passes 1.5 GB of compiler memory in a full debug build (bench/README.md); a
/// tag moves between the two by this list alone. `full` must be listed (its types name every
/// tag's); `images` stays below, where its `ImageId` to `ImageIdOrSlug` conversion lives beside
/// the ids.
pub const UPPER_TAGS: [&str; 21] = [
    "batch-inference",
    "container-registries",
    "container-registry",
    "dedicated-inference",
    "droplet-autoscale-pools",
    "firewalls",
    "full",
    "functions",
    "gradientai-platform",
    "kubernetes",
    "load-balancers",
    "monitoring",
    "partner-network-connect",
    "projects",
    "security",
    "serverless-inference",
    "tags",
    "uptime",
    "vector-databases",
    "vpc-nat-gateways",
    "vpcs",
];
const FEATURES_BEGIN: &str =
    "# --- tag features: written by `cargo xtask generate`; edit the overlays, not these lines ---\n";
const FEATURES_END: &str = "# --- end of tag features ---\n";

/// The settings that fit the `sdk` crate: the output is mounted at `crate::generated`, the
/// client carries the runtime's settings (retry policy, size limit, credential, rate limit),
/// and the runtime sends every builder.
pub fn settings() -> generator::Settings {
    generator::Settings {
        module_path: "crate::generated".into(),
        inner_type: Some("crate::runtime::Runtime".into()),
        // No hooks: the runtime (`sdk/src/runtime/send.rs`) builds, authorizes, sends, reads,
        // classifies, decodes and retries each call itself, from what each builder's
        // `Operation` impl gives: its request, method, path template, body types and statuses.
        hooks_expected: false,
        runtime: Some("crate::runtime".into()),
        // Ids users read from a response are the ids they pass back: `action.id` is an
        // `ActionId`, so `client.actions().get(action.id)` needs no conversion. Read off the
        // spec (every `*_id` and `*_uuid` path parameter and its resource's id, integers and
        // text), defined in `types-core/src/generated/ids.rs` with the macros of
        // `types-core/src/ids.rs`.
        id_types: Some(generator::IdTypes {
            module: "crate::ids".into(),
            macro_path: "crate::ids::id_type".into(),
            text_macro_path: "crate::ids::string_id_type".into(),
        }),
        // The API sends what its spec does not foresee, and one such value must not lose a
        // response: a timestamp that does not parse is kept as text (`types-core/src/timestamp.rs`,
        // which also reads the API's `...Z` form faster than chrono), `null` is absence
        // (`types-core/src/runtime/null.rs`), and a closed shape stops the generator.
        timestamp_type: Some("crate::Timestamp".into()),
        null_as_absent: Some("crate::runtime::null".into()),
        refuse_strict_shapes: true,
        handles: Some(generator::emitters::handles::HandleSettings {
            handwritten: HANDWRITTEN_OPERATIONS.iter().map(|t| (*t).to_owned()).collect(),
            servers: servers(),
            // The fake answers these from its state (`fake-api/src/handle.rs`): the image actions
            // of an image it holds, and on the account's route only an action it started; the
            // tests call them so (`tests/tests/common/plan.rs`).
            called_apart: ["actions_get", "imageActions_get", "imageActions_list", "imageActions_post"]
                .map(String::from)
                .to_vec(),
        }),
        types_crates: Some(generator::emitters::types_crates::TypesCrates {
            lower: TYPES_CRATES[0].0.into(),
            upper: TYPES_CRATES[1].0.into(),
            upper_features: UPPER_TAGS.iter().map(|t| (*t).to_owned()).collect(),
        }),
        ..generator::Settings::default()
    }
}

/// The servers operations name of their own, and how the SDK reaches each: none of them is
/// sent the API's token.
fn servers() -> Vec<generator::model::operations::Server> {
    use generator::model::operations::{Reach, Server};
    vec![
        // Serverless and batch inference: one host, called with a model access key.
        Server {
            url: "https://inference.do-ai.run".into(),
            reach: Reach::Client("inference_api".into()),
            doc: "Sent to the inference host ([`ClientBuilder::inference_url`](crate::ClientBuilder::inference_url)) with the model access key ([`ClientBuilder::inference_key`](crate::ClientBuilder::inference_key)), never the API token; without the key, the call is an [`Error::Config`](crate::Error::Config) and nothing is sent.".into(),
        },
        // An agent's chat: each agent is a host of its own, with keys of its own.
        Server {
            url: "https://{agent_url}".into(),
            reach: Reach::Handle("crate::AgentEndpoint".into()),
            doc: "Sent to the agent's endpoint with its access key (see [`Client::agent_endpoint`](crate::Client::agent_endpoint)), never the API token.".into(),
        },
        // A batch file's upload: to the presigned URL `create_batch_file` gave, whole; the URL
        // is the credential, and storage refuses a request that carries a second one.
        Server {
            url: "https://".into(),
            reach: Reach::Call,
            doc: "Sent to the presigned URL given as `url`, with no `Authorization` header (the URL is signed), never the API token. The URL is not quoted in errors.".into(),
        },
    ]
}

/// Where the vendored files and the overlays live.
pub const VENDORED_DIR: &str = "openapi/vendored";
pub const OVERLAYS_DIR: &str = "openapi/overlays";

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let mut check = false;
    let mut specs: Option<Vec<PathBuf>> = None;
    let mut output = PathBuf::from(OUTPUT);
    let mut tags: Vec<String> = Vec::new();
    let mut out_dir: Option<PathBuf> = None;
    let mut timings = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--check" => check = true,
            // Each stage's time on stderr: where `generate` spends (bench/README.md).
            "--timings" => timings = true,
            // Only these tags, into another folder (`--out-dir`): for trying a part of the API.
            "--tag" => tags.push(it.next().ok_or("--tag needs a name")?.clone()),
            "--out-dir" => out_dir = Some(PathBuf::from(it.next().ok_or("--out-dir needs a folder")?)),
            // For trying a single file (and for the tests of bad input): `--spec FILE [--out FILE]`.
            "--spec" => specs.get_or_insert_with(Vec::new).push(PathBuf::from(it.next().ok_or("--spec needs a file")?)),
            "--out" => output = PathBuf::from(it.next().ok_or("--out needs a file")?),
            other => return Err(format!("generate: unknown argument `{other}`")),
        }
    }
    // Relative paths keep machine-specific directories out of messages and the header.
    std::env::set_current_dir(root).map_err(|e| format!("{}: {e}", root.display()))?;
    let Some(specs) = specs else {
        if !tags.is_empty() && out_dir.is_none() {
            return Err("generate: --tag writes a part of the API; name a folder for it with --out-dir".into());
        }
        let whole = out_dir.is_none();
        let dir = out_dir.unwrap_or_else(|| PathBuf::from(OUTPUT_DIR));
        return split(&dir, &tags, check, whole, timings);
    };
    if !tags.is_empty() || out_dir.is_some() {
        return Err("generate: --spec writes one file (--out); --tag and --out-dir are for the vendored API".into());
    }
    let code = generator::generate(&specs, &settings()).map_err(|e| e.to_string())?;
    if check {
        let current = std::fs::read_to_string(&output).unwrap_or_default();
        if current == code {
            println!("{} is up to date", output.display());
            return Ok(());
        }
        let diff = similar::TextDiff::from_lines(&current, &code);
        print!(
            "{}",
            diff.unified_diff()
                .context_radius(3)
                .header(&format!("{} (committed)", output.display()), &format!("{} (from the spec)", output.display()))
        );
        return Err(format!("{} is stale: run `cargo xtask generate` and commit the result", output.display()));
    }
    let unchanged = std::fs::read_to_string(&output).is_ok_and(|current| current == code);
    if !unchanged {
        std::fs::write(&output, &code).map_err(|e| format!("{}: {e}", output.display()))?;
    }
    println!("{} {} from {} fragment(s)", if unchanged { "kept" } else { "wrote" }, output.display(), specs.len());
    Ok(())
}

/// `cargo xtask spec [--tag NAME]...`: the effective document as YAML on stdout.
pub fn spec(root: &Path, args: &[String]) -> Result<(), String> {
    let mut tags = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--tag" => tags.push(it.next().ok_or("--tag needs a name")?.clone()),
            other => return Err(format!("spec: unknown argument `{other}`")),
        }
    }
    std::env::set_current_dir(root).map_err(|e| format!("{}: {e}", root.display()))?;
    let sources = generator::effective::Sources::read(Path::new(VENDORED_DIR), Path::new(OVERLAYS_DIR))
        .map_err(|e| e.to_string())?;
    print!("{}", generator::effective_spec(&sources, &tags).map_err(|e| e.to_string())?);
    Ok(())
}

// The split folder, written or (`check`) compared; for the whole API (`whole`) the sdk's tag
// features too.
fn split(dir: &Path, tags: &[String], check: bool, whole: bool, timings: bool) -> Result<(), String> {
    let started = std::time::Instant::now();
    let sources = generator::effective::Sources::read(Path::new(VENDORED_DIR), Path::new(OVERLAYS_DIR))
        .map_err(|e| e.to_string())?;
    let read = started.elapsed();
    let settings = settings();
    let split = generator::generate_vendored_split(&sources, tags, &settings).map_err(|e| e.to_string())?;
    if timings {
        eprintln!("generate: {:>7.3} s  vendored files and overlays read", read.as_secs_f64());
        for (stage, took) in &split.timings {
            eprintln!("generate: {:>7.3} s  {stage}", took.as_secs_f64());
        }
        eprintln!("generate: {:>7.3} s  in all before writing", started.elapsed().as_secs_f64());
    }
    // What an overlay would shape better: generation goes on, and says so.
    for advice in &split.advice {
        eprintln!("generate: advice: {advice}");
    }
    // The handles go with the whole API only: a part of it has no place in the crate.
    // The types crates' folders: in their crates, or for a part of the API, beside its
    // operations in `dir` (`dir/types-core`, as that crate's `src/generated`).
    let mut trees = folders(dir, &split.files);
    for ((_, folder), files) in TYPES_CRATES.iter().zip([&split.lower, &split.upper]) {
        let at = if whole { Path::new(folder).join("src/generated") } else { dir.join(folder) };
        trees.extend(folders(&at, files));
    }
    if whole {
        trees.push((PathBuf::from(HANDLES_DIR), split.handles.clone()));
    }
    // The examples test's table of types and the fake API's table of operations follow the
    // whole API only (a part of it would leave the test, or the fake, without the other tags'
    // operations).
    let tables: Vec<(&Path, &str, String, &String)> = if whole {
        [
            (Path::new(generator::emitters::codecs::OUTPUT), "the examples table", &split.example_codecs),
            (Path::new(generator::emitters::fake_routes::OUTPUT), "the fake API's operations", &split.fake_operations),
            (Path::new(generator::emitters::handle_calls::OUTPUT), "the handle calls table", &split.handle_calls),
        ]
        .into_iter()
        .map(|(path, what, want)| (path, what, std::fs::read_to_string(path).unwrap_or_default(), want))
        .collect()
    } else {
        Vec::new()
    };
    // Each manifest with the tag features it has now and those it should have.
    let mut manifests = Vec::new();
    if whole {
        let wanted = manifest_features(&settings, &split);
        let paths = [PathBuf::from(SDK_MANIFEST)]
            .into_iter()
            .chain(TYPES_CRATES.iter().map(|(_, d)| Path::new(d).join("Cargo.toml")));
        for (path, features) in paths.zip(wanted) {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let want = with_features(&path, &text, &features)?;
            manifests.push((path, text, want));
        }
    }
    if check {
        let mut stale = Vec::new();
        for (tree, fresh) in &trees {
            let current = rust_files(tree)?;
            let report = generator::vendor::check_tree(tree, &current, fresh, "generated now");
            for d in &report.diffs {
                print!("{d}");
            }
            if !report.passes() {
                stale.push(format!("{} (missing {:?}, extra {:?})", tree.display(), report.missing, report.extra));
            }
        }
        for (manifest, _, _) in manifests.iter().filter(|(_, now, want)| now != want) {
            println!("{}: the tag features differ from the API's tags", manifest.display());
            stale.push(format!("the tag features in {}", manifest.display()));
        }
        for (path, what, now, want) in tables.iter().filter(|(_, _, now, want)| now != *want) {
            let name = path.display().to_string();
            let diff = similar::TextDiff::from_lines(now.as_str(), want.as_str());
            print!(
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("{name} (committed)"), &format!("{name} (generated now)"))
            );
            stale.push(format!("{what} {name}"));
        }
        if stale.is_empty() {
            let checked: Vec<String> = trees.iter().map(|(t, _)| t.display().to_string()).collect();
            println!("{} are up to date", checked.join(", "));
            return Ok(());
        }
        return Err(format!("{} is stale: run `cargo xtask generate` and commit the result", stale.join("; ")));
    }
    let mut lines = 0;
    for (tree, fresh) in &trees {
        let current = rust_files(tree)?;
        for name in current.keys().filter(|n| !fresh.contains_key(*n)) {
            std::fs::remove_file(tree.join(name)).map_err(|e| format!("{}: {e}", tree.join(name).display()))?;
        }
        // A folder left with nothing generated goes too (`sdk/src/generated/types`, since the
        // types have crates of their own), unless something else is in it.
        if fresh.is_empty() {
            let _ = std::fs::remove_dir(tree);
            continue;
        }
        std::fs::create_dir_all(tree).map_err(|e| format!("{}: {e}", tree.display()))?;
        for (name, text) in fresh {
            lines += text.lines().count();
            if current.get(name) != Some(text) {
                std::fs::write(tree.join(name), text).map_err(|e| format!("{}: {e}", tree.join(name).display()))?;
            }
        }
    }
    for (manifest, _, want) in manifests.iter().filter(|(_, now, want)| now != want) {
        std::fs::write(manifest, want).map_err(|e| format!("{}: {e}", manifest.display()))?;
        println!("wrote the tag features of {}", manifest.display());
    }
    for (path, _, _, want) in tables.iter().filter(|(_, _, now, want)| now != *want) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(path, want).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    if whole {
        let f = &split.fake_figures;
        println!(
            "the fake API's {} operations answer with: a documented example {}, the schema's example {}, \
             a value built from the schema {}, an empty object {}, no body {}; {} request bodies checked \
             ({} samples documented)",
            f.operations,
            f.documented,
            f.schema_example,
            f.built,
            f.empty_object,
            f.no_body,
            f.with_request_body,
            f.documented_request
        );
    }
    println!(
        "wrote {}: {} files, {lines} lines, {} operations in {} tag features",
        trees.iter().map(|(t, _)| t.display().to_string()).collect::<Vec<_>>().join(" and "),
        trees.iter().map(|(_, f)| f.len()).sum::<usize>(),
        split.operations,
        split.features.len()
    );
    if !whole {
        let manifests = ["the SDK", TYPES_CRATES[0].0, TYPES_CRATES[1].0];
        let wanted = manifest_features(&settings, &split);
        for (manifest, features) in manifests.iter().zip(wanted) {
            println!("[features] of {manifest} for these tags:\n{features}");
        }
    }
    Ok(())
}

// The generated files by folder: `dir` with the files named without a folder, and
// `dir/types` (always, so that a file left there is noticed) with those named `types/...`.
fn folders(
    dir: &Path,
    files: &std::collections::BTreeMap<String, String>,
) -> Vec<(PathBuf, std::collections::BTreeMap<String, String>)> {
    let types_dir = format!("{}/", generator::emitters::split::TYPES_DIR);
    let (nested, top): (std::collections::BTreeMap<_, _>, _) =
        files.clone().into_iter().partition(|(name, _)| name.starts_with(&types_dir));
    let nested = nested.into_iter().map(|(name, text)| (name[types_dir.len()..].to_owned(), text)).collect();
    vec![(dir.to_path_buf(), top), (dir.join(generator::emitters::split::TYPES_DIR), nested)]
}

// The `.rs` files of a generated folder, by name.
fn rust_files(dir: &Path) -> Result<std::collections::BTreeMap<String, String>, String> {
    let current = generator::vendor::read_tree(dir).map_err(|e| e.to_string())?;
    Ok(current.into_iter().filter(|(n, _)| n.ends_with(".rs")).collect())
}

// The tag features of the SDK's manifest and, with the types crates, of theirs.
fn manifest_features(settings: &generator::Settings, split: &generator::emitters::split::Split) -> Vec<String> {
    match &settings.types_crates {
        Some(crates) => crates.features_toml(&split.features).to_vec(),
        None => vec![split.features_toml()],
    }
}

/// `manifest` (read from `path`) with the lines between the tag-feature markers replaced by
/// `features`.
fn with_features(path: &Path, manifest: &str, features: &str) -> Result<String, String> {
    let missing = || format!("{}: the tag-feature markers are missing from its [features] table", path.display());
    let start = manifest.find(FEATURES_BEGIN).ok_or_else(missing)? + FEATURES_BEGIN.len();
    let end = start + manifest[start..].find(FEATURES_END).ok_or_else(missing)?;
    Ok(format!("{}{features}{}", &manifest[..start], &manifest[end..]))
}
