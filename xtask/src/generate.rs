//! `cargo xtask generate [--check]`.

use std::path::{Path, PathBuf};

/// Where the fragments live and where the code goes, relative to the workspace root.
pub const SPEC_DIR: &str = "openapi";
pub const OUTPUT: &str = "sdk/src/generated.rs";

/// The settings that fit the `sdk` crate: the output is mounted at `crate::generated`, and the
/// client carries the runtime (retry policy, rate limit) that the hand-written hooks use, and
/// bodies are taken from what the hooks read.
pub fn settings() -> generator::Settings {
    generator::Settings {
        module_path: "crate::generated".into(),
        inner_type: Some("crate::runtime::Runtime".into()),
        hooks_expected: true,
        // The hooks read every body inside the retry loop and carry it on the response
        // (`sdk/src/body.rs`); reading it again with `Response::bytes` would find it drained.
        body_reader: Some("crate::body::bytes".into()),
        // chrono's general RFC 3339 parser took about 1,300 instructions a timestamp;
        // `sdk/src/timestamp.rs` reads the API's `...Z` form directly and hands chrono the rest.
        timestamp_deserializer: Some("crate::timestamp".into()),
        ..generator::Settings::default()
    }
}

/// The fragments, in name order so the merged document (and the output) never depends on
/// directory order.
pub fn spec_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = root.join(SPEC_DIR);
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{SPEC_DIR}/: {e}"))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| PathBuf::from(SPEC_DIR).join(e.file_name()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("{SPEC_DIR}/ holds no .yaml, .yml or .json fragment"));
    }
    Ok(files)
}

/// Where the vendored files and the overlays live.
pub const VENDORED_DIR: &str = "openapi/vendored";
pub const OVERLAYS_DIR: &str = "openapi/overlays";

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let mut check = false;
    let mut specs: Option<Vec<PathBuf>> = None;
    let mut output = PathBuf::from(OUTPUT);
    let mut vendored = false;
    let mut tags: Vec<String> = Vec::new();
    let mut out_dir: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--check" => check = true,
            // From openapi/vendored/ + openapi/overlays/ instead of the fragments; until the
            // sdk switches, for trying the whole pipeline (`--out` somewhere else).
            "--vendored" => vendored = true,
            "--tag" => tags.push(it.next().ok_or("--tag needs a name")?.clone()),
            // The split output: a folder with mod.rs, types.rs and a file per tag.
            "--out-dir" => out_dir = Some(PathBuf::from(it.next().ok_or("--out-dir needs a folder")?)),
            // For trying a single file (and for the tests of bad input): `--spec FILE`.
            "--spec" => specs.get_or_insert_with(Vec::new).push(PathBuf::from(it.next().ok_or("--spec needs a file")?)),
            "--out" => output = PathBuf::from(it.next().ok_or("--out needs a file")?),
            other => return Err(format!("generate: unknown argument `{other}`")),
        }
    }
    // Relative paths keep machine-specific directories out of messages and the header.
    std::env::set_current_dir(root).map_err(|e| format!("{}: {e}", root.display()))?;
    if (!tags.is_empty() || out_dir.is_some()) && !vendored {
        return Err("generate: --tag and --out-dir are for --vendored".into());
    }
    if let Some(dir) = out_dir {
        return split(&dir, &tags, check);
    }
    let (code, what) = if vendored {
        if specs.is_some() {
            return Err("generate: --spec and --vendored exclude each other".into());
        }
        let sources = generator::effective::Sources::read(Path::new(VENDORED_DIR), Path::new(OVERLAYS_DIR))
            .map_err(|e| e.to_string())?;
        let code = generator::generate_vendored(&sources, &tags, &settings()).map_err(|e| e.to_string())?;
        (code, format!("{} vendored file(s) and {} overlay(s)", sources.vendored.len(), sources.overlays.len()))
    } else {
        let specs = match specs {
            Some(s) => s,
            None => spec_files(Path::new("."))?,
        };
        let code = generator::generate(&specs, &settings()).map_err(|e| e.to_string())?;
        (code, format!("{} fragment(s)", specs.len()))
    };
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
    println!("{} {} from {what}", if unchanged { "kept" } else { "wrote" }, output.display());
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

// `generate --vendored --out-dir DIR`: the split folder, written or (`check`) compared.
fn split(dir: &Path, tags: &[String], check: bool) -> Result<(), String> {
    let sources = generator::effective::Sources::read(Path::new(VENDORED_DIR), Path::new(OVERLAYS_DIR))
        .map_err(|e| e.to_string())?;
    let split = generator::generate_vendored_split(&sources, tags, &settings()).map_err(|e| e.to_string())?;
    let current = generator::vendor::read_tree(dir).map_err(|e| e.to_string())?;
    let current: std::collections::BTreeMap<String, String> =
        current.into_iter().filter(|(n, _)| n.ends_with(".rs")).collect();
    if check {
        let report = generator::vendor::check_tree(dir, &current, &split.files, "generated now");
        for d in &report.diffs {
            print!("{d}");
        }
        if report.passes() {
            println!("{} is up to date", dir.display());
            return Ok(());
        }
        return Err(format!(
            "{} is stale (missing {:?}, extra {:?}): run `cargo xtask generate --vendored --out-dir {}`",
            dir.display(),
            report.missing,
            report.extra,
            dir.display()
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for name in current.keys().filter(|n| !split.files.contains_key(*n)) {
        std::fs::remove_file(dir.join(name)).map_err(|e| format!("{}: {e}", dir.join(name).display()))?;
    }
    let mut lines = 0;
    for (name, text) in &split.files {
        lines += text.lines().count();
        if current.get(name) != Some(text) {
            std::fs::write(dir.join(name), text).map_err(|e| format!("{}: {e}", dir.join(name).display()))?;
        }
    }
    println!(
        "wrote {}: {} files, {lines} lines, {} operations in {} tag features",
        dir.display(),
        split.files.len(),
        split.operations,
        split.features.len()
    );
    println!("[features] the crate needs:\n{}", split.features_toml());
    Ok(())
}
