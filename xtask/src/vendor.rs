//! `cargo xtask vendor`: bundle operations from upstream's multi-file spec into one fragment, or
//! (`--check`) compare the project's fragments with upstream.

use std::path::{Path, PathBuf};

use generator::vendor::{self, Selection};

use crate::generate::spec_files;

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let mut upstream: Option<String> = None;
    let mut selection = Selection::default();
    let mut out: Option<PathBuf> = None;
    let mut check = false;
    let mut specs: Vec<PathBuf> = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("vendor: {name} needs a value"));
        match arg.as_str() {
            "--upstream" => upstream = Some(value("--upstream DIR")?),
            "--operation" => selection.operations.push(value("--operation ID")?),
            "--tag" => selection.tags.push(value("--tag NAME")?),
            "--out" => out = Some(PathBuf::from(value("--out FILE")?)),
            "--spec" => specs.push(PathBuf::from(value("--spec FILE")?)),
            "--check" => check = true,
            other => return Err(format!("vendor: unknown argument `{other}`")),
        }
    }
    let upstream = upstream.ok_or("vendor: --upstream DIR is required (upstream's `specification/` folder)")?;
    // Paths are read from the workspace root, as `generate` reads them, so messages and the
    // header carry them as typed.
    std::env::set_current_dir(root).map_err(|e| format!("{}: {e}", root.display()))?;
    let root_file = vendor::find_root(Path::new(&upstream)).map_err(|e| e.to_string())?;
    if check {
        if !selection.operations.is_empty() || !selection.tags.is_empty() || out.is_some() {
            return Err(
                "vendor --check compares the fragments' own operations; it takes no --operation, --tag or --out".into(),
            );
        }
        return drift(&root_file, specs);
    }
    if !specs.is_empty() {
        return Err("vendor: --spec is for --check".into());
    }
    if selection.operations.is_empty() && selection.tags.is_empty() {
        return Err("vendor: name what to vendor with --operation ID or --tag NAME (each may repeat)".into());
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

fn drift(root_file: &Path, specs: Vec<PathBuf>) -> Result<(), String> {
    let specs = if specs.is_empty() { spec_files(Path::new("."))? } else { specs };
    let mut failed = Vec::new();
    for spec in &specs {
        let fragment = generator::load::read(spec).map_err(|e| e.to_string())?;
        let report = vendor::drift::check(root_file, &fragment).map_err(|e| e.to_string())?;
        print!("{report}");
        if !report.passes() {
            failed.push(spec.display().to_string());
        }
    }
    if failed.is_empty() {
        println!("drift check passed: {} fragment(s), every difference from upstream declared", specs.len());
        Ok(())
    } else {
        Err(format!(
            "drift check failed: undeclared differences from upstream in {} (see the report above)",
            failed.join(", ")
        ))
    }
}
