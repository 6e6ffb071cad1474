//! `cargo xtask vendor`: write `openapi/vendored/` from upstream as the manifest says (or, with
//! `--check`, fail with a diff where the committed files differ); or bundle chosen operations
//! into one file (`--operation`, `--tag`), to look at.

use std::path::{Path, PathBuf};

use generator::vendor::{self, Selection};

/// What is taken from upstream, and from which commit.
pub const MANIFEST: &str = "openapi/manifest/upstream.yaml";
pub const VENDORED: &str = "openapi/vendored";

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let mut upstream: Option<String> = None;
    let mut selection = Selection::default();
    let mut out: Option<PathBuf> = None;
    let mut check = false;
    let mut manifest = PathBuf::from(MANIFEST);
    let mut out_dir = PathBuf::from(VENDORED);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("vendor: {name} needs a value"));
        match arg.as_str() {
            "--upstream" => upstream = Some(value("--upstream DIR")?),
            "--operation" => selection.operations.push(value("--operation ID")?),
            "--tag" => selection.tags.push(value("--tag NAME")?),
            "--out" => out = Some(PathBuf::from(value("--out FILE")?)),
            "--check" => check = true,
            "--manifest" => manifest = PathBuf::from(value("--manifest FILE")?),
            "--out-dir" => out_dir = PathBuf::from(value("--out-dir DIR")?),
            other => return Err(format!("vendor: unknown argument `{other}`")),
        }
    }
    let upstream = upstream.ok_or("vendor: --upstream DIR is required (upstream's `specification/` folder)")?;
    // Paths are read from the workspace root, as `generate` reads them, so messages and the
    // header carry them as typed.
    std::env::set_current_dir(root).map_err(|e| format!("{}: {e}", root.display()))?;
    let root_file = vendor::find_root(Path::new(&upstream)).map_err(|e| e.to_string())?;
    let selected = !selection.operations.is_empty() || !selection.tags.is_empty();
    if !selected {
        if out.is_some() {
            return Err("vendor: --out is for --operation/--tag; the whole tree goes to --out-dir".into());
        }
        return tree(&root_file, &manifest, &out_dir, check);
    }
    if check {
        return Err("vendor --check re-vendors what the manifest names; it takes no --operation or --tag".into());
    }
    let text = vendor::vendor(&root_file, &selection, &command(&upstream, &selection)).map_err(|e| e.to_string())?;
    match out {
        Some(file) => {
            std::fs::write(&file, &text).map_err(|e| format!("{}: {e}", file.display()))?;
            println!("wrote {}", file.display());
        }
        None => print!("{text}"),
    }
    Ok(())
}

// The command as the header of the output records it. An absolute upstream path is left out:
// it names one machine's folders.
fn command(upstream: &str, selection: &Selection) -> String {
    let upstream = if Path::new(upstream).is_absolute() { "<upstream specification dir>" } else { upstream };
    let mut parts = vec![format!("cargo xtask vendor --upstream {upstream}")];
    parts.extend(selection.operations.iter().map(|o| format!("--operation {o}")));
    parts.extend(
        selection
            .tags
            .iter()
            .map(|t| if t.contains(char::is_whitespace) { format!("--tag '{t}'") } else { format!("--tag {t}") }),
    );
    parts.join(" ")
}

// The whole tree, as the manifest names it: written, or (`check`) compared.
fn tree(root_file: &Path, manifest: &Path, out_dir: &Path, check: bool) -> Result<(), String> {
    let manifest = vendor::Manifest::read(manifest).map_err(|e| e.to_string())?;
    let fresh = vendor::vendor_tree(root_file, &manifest).map_err(|e| e.to_string())?;
    let committed = vendor::read_tree(out_dir).map_err(|e| e.to_string())?;
    let untaken = vendor::untaken_tags(root_file, &manifest).map_err(|e| e.to_string())?;
    if !untaken.is_empty() {
        println!("note: upstream has tags the manifest does not take: {}", untaken.join(", "));
    }
    if check {
        let report = vendor::check_tree(out_dir, &committed, &fresh, "vendored from upstream");
        for diff in &report.diffs {
            print!("{diff}");
        }
        for file in &report.missing {
            println!("missing: {file} (the vendor run writes it)");
        }
        for file in &report.extra {
            println!("extra: {file} (the vendor run does not write it)");
        }
        if report.passes() {
            println!("{} is what upstream {} gives: {} file(s)", out_dir.display(), manifest.commit, fresh.len());
            return Ok(());
        }
        let mut differing: Vec<String> = report
            .diffs
            .iter()
            .filter_map(|d| d.lines().next())
            .map(|l| l.trim_start_matches("--- ").trim_end_matches(" (committed)").to_owned())
            .collect();
        differing.extend(report.missing.iter().cloned());
        differing.extend(report.extra.iter().cloned());
        return Err(format!(
            "vendored files differ from upstream {}: {} (see the diff above; run `cargo xtask vendor --upstream DIR`, never edit them by hand)",
            manifest.commit,
            differing.join(", ")
        ));
    }
    for line in vendor::changes(&committed, &fresh) {
        println!("{line}");
    }
    std::fs::create_dir_all(out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    for name in committed.keys().filter(|n| !fresh.contains_key(*n)) {
        let path = out_dir.join(name);
        std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("removed {}", path.display());
    }
    let mut written = 0;
    for (name, text) in &fresh {
        if committed.get(name) != Some(text) {
            let path = out_dir.join(name);
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
            written += 1;
        }
    }
    println!(
        "{}: {} file(s) from upstream {}, {written} written, {} unchanged",
        out_dir.display(),
        fresh.len(),
        manifest.commit,
        fresh.len() - written
    );
    Ok(())
}
