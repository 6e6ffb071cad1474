//! Shared by the vendor and drift tests.

use std::path::{Path, PathBuf};

use generator::vendor;

/// Upstream's root document from `DO_UPSTREAM_SPEC`, or `None` (with the reason printed) when
/// it is unset, so the upstream tests skip visibly.
pub fn upstream() -> Option<PathBuf> {
    match std::env::var_os("DO_UPSTREAM_SPEC") {
        Some(dir) => Some(vendor::find_root(Path::new(&dir)).expect("DO_UPSTREAM_SPEC holds an OpenAPI root")),
        None => {
            println!("skipped: DO_UPSTREAM_SPEC unset (point it at upstream's specification/ folder)");
            None
        }
    }
}
