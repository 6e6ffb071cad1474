//! Shared by the vendor tests.

use std::path::{Path, PathBuf};

use generator::vendor;

/// Upstream's root document from `DO_UPSTREAM_SPEC`. Unset, a test that needs it fails under
/// CI (`CI` set: a gate must not pass by skipping) and elsewhere returns `None` with the reason
/// printed, so it skips visibly on a developer's machine.
pub fn upstream() -> Option<PathBuf> {
    upstream_dir().map(|dir| vendor::find_root(&dir).expect("DO_UPSTREAM_SPEC holds an OpenAPI root"))
}

/// `DO_UPSTREAM_SPEC` itself (upstream's `specification/` folder), under the same rule.
pub fn upstream_dir() -> Option<PathBuf> {
    match std::env::var_os("DO_UPSTREAM_SPEC") {
        Some(dir) if !dir.is_empty() => Some(Path::new(&dir).to_path_buf()),
        _ if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) => {
            panic!("DO_UPSTREAM_SPEC is unset under CI: point it at upstream's specification/ folder")
        }
        _ => {
            println!("skipped: DO_UPSTREAM_SPEC unset (point it at upstream's specification/ folder)");
            None
        }
    }
}
