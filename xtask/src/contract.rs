//! `cargo xtask contract`: installs the pinned Prism mock server when it is missing, then runs
//! the contract tests (`tests/tests/contract_prism/`, ignored by default, with the tests crate's
//! `whole-api` feature) against it.
//!
//! Prism comes from npm. `contract/package.json` and `contract/package-lock.json` pin it; they
//! are copied into `.cache/prism/` (gitignored) and installed there with `npm ci`, so every
//! machine, CI's included, runs the same version. The step fails when Prism cannot be installed:
//! a contract gate that skips itself proves nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The version `contract/package.json` pins; checked after install so a stale cache is noticed.
const PRISM_VERSION: &str = "5.14.2";
const PIN_DIR: &str = "contract";
const CACHE_DIR: &str = ".cache/prism";
const PINNED_FILES: [&str; 2] = ["package.json", "package-lock.json"];

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("contract: unknown argument `{extra}`"));
    }
    let prism = ensure_prism(root)?;
    println!("contract: prism {PRISM_VERSION} at {}", relative(root, &prism));
    let status = Command::new("cargo")
        // `whole-api`: one of the tests calls every operation of the API.
        .args([
            "test",
            "-p",
            "tests",
            "--features",
            "whole-api",
            "--test",
            "contract_prism",
            "--",
            "--ignored",
            "--nocapture",
        ])
        .env("PRISM_BIN", &prism)
        .current_dir(root)
        .status()
        .map_err(|e| format!("contract: could not start cargo: {e}"))?;
    if !status.success() {
        return Err(format!("contract tests failed ({status})"));
    }
    Ok(())
}

/// The path of the `prism` executable, installing it first when the cache lacks it or holds
/// another pin.
fn ensure_prism(root: &Path) -> Result<PathBuf, String> {
    let cache = root.join(CACHE_DIR);
    let bin = cache.join("node_modules/.bin/prism");
    if pins_match(root, &cache) && version_of(&bin).as_deref() == Some(PRISM_VERSION) {
        return Ok(bin);
    }
    println!("contract: installing prism {PRISM_VERSION} into {CACHE_DIR}/ (npm ci)");
    fs::create_dir_all(&cache).map_err(|e| format!("contract: cannot create {CACHE_DIR}/: {e}"))?;
    for name in PINNED_FILES {
        fs::copy(root.join(PIN_DIR).join(name), cache.join(name))
            .map_err(|e| format!("contract: cannot copy {PIN_DIR}/{name} to {CACHE_DIR}/: {e}"))?;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&cache)
        .status()
        .map_err(|e| format!("contract: could not run npm (Node.js 20 and npm are needed): {e}"))?;
    if !status.success() {
        return Err(format!("contract: `npm ci` in {CACHE_DIR}/ failed ({status})"));
    }
    match version_of(&bin) {
        Some(v) if v == PRISM_VERSION => Ok(bin),
        Some(v) => Err(format!("contract: installed prism reports {v}, expected {PRISM_VERSION}")),
        None => Err(format!("contract: {} does not run after install", relative(root, &bin))),
    }
}

/// Whether the cache was installed from the pins committed now.
fn pins_match(root: &Path, cache: &Path) -> bool {
    PINNED_FILES.iter().all(|name| match (fs::read(root.join(PIN_DIR).join(name)), fs::read(cache.join(name))) {
        (Ok(pinned), Ok(cached)) => pinned == cached,
        _ => false,
    })
}

fn version_of(bin: &Path) -> Option<String> {
    let out = Command::new(bin).arg("--version").output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}
