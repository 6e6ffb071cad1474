//! `cargo xtask <command>`: a thin command line over the `generator` crate and the CI gate.

mod ci;
mod contract;
mod generate;
mod vendor;

use std::path::PathBuf;
use std::process::ExitCode;

// A process-wide allocator is the program's choice to make, and xtask is a program: the
// libraries it runs (the generator among them) do not set one.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 3's `mimalloc.h` (the `mi_option_e` enum): how long freed
/// memory stays with the process before it goes back to the kernel; -1 keeps it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  generate [--check]   regenerate sdk/src/generated/ (a file per tag), the types crates'
                       src/generated/ and the tag features of the three manifests from
                       openapi/vendored/ + openapi/overlays/; with --check,
                       write nothing and fail with a diff if anything is stale; with
                       --timings, print each stage's time on stderr
  generate --tag NAME... --out-dir DIR [--check]
                       the same for some tags only, into another folder (the
                       types in its types-core/ and types-ext/)
  generate --spec FILE... [--out FILE] [--check]
                       one file from OpenAPI documents of your own (for trying a spec)
  spec [--tag NAME]... print the effective spec (vendored + overlays + normalization passes)
                       as YAML
  vendor --upstream DIR [--check] [--manifest FILE] [--out-dir DIR]
                       write openapi/vendored/ from upstream's multi-file spec (DIR: its
                       specification/ folder) as openapi/manifest/upstream.yaml names it: one file
                       per tag, shared.yaml, NOTICE; prints what changed per tag. With
                       --check, write nothing and fail with a diff naming each file that
                       differs, is missing or is extra
  vendor --upstream DIR (--operation ID | --tag NAME)... [--out FILE]
                       bundle chosen operations into one fragment, normalized for generate
  contract             install the pinned Prism (npm ci into .cache/prism) if missing and run
                       the contract tests against it
  ci                   the whole test gate: generate --check, vendor --check, fmt, clippy, the sdk's
                       feature combinations, doc, package, examples, tests, contract
                       (docs/testing.md lists the steps)
";

fn main() -> ExitCode {
    // `generate` frees and allocates hundreds of megabytes in waves; giving them back to the
    // kernel after 10 ms (the default) and faulting them in again cost a third of its wall time
    // (bench/README.md). xtask is short-lived: it keeps its memory until it exits.
    // SAFETY: `mi_option_set` only stores the option's value; mimalloc reads it when it next
    // decides whether to purge, from any thread.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let result = match args.first().map(String::as_str) {
        Some("generate") => generate::run(&root, &args[1..]),
        Some("contract") => contract::run(&root, &args[1..]),
        Some("ci") => ci::run(&root, &args[1..]),
        Some("vendor") => vendor::run(&root, &args[1..]),
        Some("spec") => generate::spec(&root, &args[1..]),
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask's own manifest sits one level below it.
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
