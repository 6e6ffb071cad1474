//! `cargo xtask ci`: the whole test gate, one command, the one `.ci/run` calls.
//!
//! The steps run in the order of [`STEPS`] and the gate stops at the first failure.
//! `docs/testing.md` lists the same steps with what each catches: keep the two in step.

use std::path::Path;
use std::process::Command;

struct Step {
    name: &'static str,
    program: &'static str,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    /// An environment variable whose value is the step's last argument; unset, the step is
    /// skipped with a note.
    arg_from_env: Option<&'static str>,
}

/// The tags the gate builds each alone: the three with hand-written handles, droplets for one
/// of the rest, and serverless-inference for one whose types are in the upper types crate
/// (which names it, and the shared `defaults` it copies, only without `full`).
const TAGS_ALONE: &[&str] = &["images", "image-actions", "actions", "droplets", "serverless-inference"];

const STEPS: &[Step] = &[
    Step {
        name: "generated code is current",
        program: "cargo",
        args: &["xtask", "generate", "--check"],
        env: &[],
        arg_from_env: None,
    },
    Step {
        name: "vendored files are what upstream gives",
        program: "cargo",
        args: &["xtask", "vendor", "--check", "--upstream"],
        env: &[],
        arg_from_env: Some("DO_UPSTREAM_SPEC"),
    },
    Step { name: "formatting", program: "cargo", args: &["fmt", "--all", "--check"], env: &[], arg_from_env: None },
    // Every crate inherits the workspace's `rust-version`, so clippy's `incompatible_msrv` lint
    // (on by default) fails on a standard library item newer than the declared MSRV.
    Step {
        name: "clippy",
        program: "cargo",
        args: &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"],
        env: &[],
        arg_from_env: None,
    },
    // The SDK alone in each feature combination a user may pick: in the workspace, features are
    // unified across crates, so the step above cannot tell. Clippy costs what `check` does (the
    // dependencies are type-checked either way) and also lints code only some features compile.
    Step {
        name: "SDK features: default",
        program: "cargo",
        args: &["clippy", "-p", "digitalocean-sdk", "--", "-D", "warnings"],
        env: &[],
        arg_from_env: None,
    },
    // One tag at a time, as a user who needs only it builds the SDK: once per tag of
    // `TAGS_ALONE`, `{tag}` standing for it.
    Step {
        name: "SDK features: {tag} alone",
        program: "cargo",
        args: &[
            "clippy",
            "-p",
            "digitalocean-sdk",
            "--no-default-features",
            "--features",
            "tls-ring,{tag}",
            "--",
            "-D",
            "warnings",
        ],
        env: &[],
        arg_from_env: None,
    },
    Step {
        name: "SDK features: none",
        program: "cargo",
        args: &["clippy", "-p", "digitalocean-sdk", "--no-default-features", "--", "-D", "warnings"],
        env: &[],
        arg_from_env: None,
    },
    Step {
        name: "SDK features: tls-aws-lc-rs alone",
        program: "cargo",
        args: &[
            "clippy",
            "-p",
            "digitalocean-sdk",
            "--no-default-features",
            "--features",
            "tls-aws-lc-rs",
            "--",
            "-D",
            "warnings",
        ],
        env: &[],
        arg_from_env: None,
    },
    Step {
        name: "SDK features: http2",
        program: "cargo",
        args: &["clippy", "-p", "digitalocean-sdk", "--features", "http2", "--", "-D", "warnings"],
        env: &[],
        arg_from_env: None,
    },
    // Every tag and every optional feature at once: the whole API compiles (a debug build, as
    // users' builds are; the steps above only type-check).
    Step {
        name: "SDK features: all",
        program: "cargo",
        args: &["build", "-p", "digitalocean-sdk", "--all-features"],
        env: &[],
        arg_from_env: None,
    },
    // The steps above type-check each combination; these build the library too, so code only
    // a combination compiles reaches code generation and linking, as a user's build does.
    Step {
        name: "SDK built: {tag} alone",
        program: "cargo",
        args: &["build", "-p", "digitalocean-sdk", "--no-default-features", "--features", "tls-ring,{tag}"],
        env: &[],
        arg_from_env: None,
    },
    Step {
        name: "SDK built: no tag",
        program: "cargo",
        args: &["build", "-p", "digitalocean-sdk", "--no-default-features", "--features", "tls-ring"],
        env: &[],
        arg_from_env: None,
    },
    Step {
        name: "rustdoc",
        program: "cargo",
        args: &["doc", "--workspace", "--no-deps"],
        env: &[("RUSTDOCFLAGS", "-D warnings")],
        arg_from_env: None,
    },
    // The crates users depend on, packaged and built from the package alone, as a registry
    // would see them. No `--allow-dirty`: the gate runs on a clean checkout.
    Step {
        name: "packages",
        program: "cargo",
        args: &[
            "package",
            "-p",
            "digitalocean-sdk-types-core",
            "-p",
            "digitalocean-sdk-types-ext",
            "-p",
            "digitalocean-sdk",
            "-p",
            "digitalocean-fake-api",
        ],
        env: &[],
        arg_from_env: None,
    },
    // `--all-targets` builds examples as test harnesses only; the demo test runs the example's
    // real binary, so build it first.
    Step {
        name: "examples",
        program: "cargo",
        args: &["build", "--workspace", "--examples"],
        env: &[],
        arg_from_env: None,
    },
    Step {
        name: "tests",
        program: "cargo",
        args: &["test", "--workspace", "--all-targets"],
        env: &[],
        arg_from_env: None,
    },
    // A crate outside the workspace, on the SDK with `default-features = false` and one tag, as
    // a user's project is: inside the workspace, features unify and hide a tag that does not
    // build alone. Its own target directory, under the workspace's, as it resolves on its own.
    Step {
        name: "a user's crate (droplets alone)",
        program: "cargo",
        args: &[
            "test",
            "--locked",
            "--manifest-path",
            "tests/outside-user/Cargo.toml",
            "--target-dir",
            "target/outside-user",
        ],
        env: &[],
        arg_from_env: None,
    },
    // The examples round trip needs every tag of the SDK, so it has a feature of its own
    // (`whole-api`) and its own steps: the one above builds the tests on the default tags only.
    // Its code is compiled only with that feature, so it is linted here too.
    Step {
        name: "clippy (whole API)",
        program: "cargo",
        args: &["clippy", "-p", "tests", "--all-targets", "--features", "whole-api", "--", "-D", "warnings"],
        env: &[],
        arg_from_env: None,
    },
    Step {
        // One step, one build of the whole-API test crate: its tests share the table library.
        name: "examples round-trip, handle calls, list walks, action waits, deviations, unchecked requests (whole API)",
        program: "cargo",
        args: &[
            "test",
            "-p",
            "tests",
            "--features",
            "whole-api",
            "--test",
            "examples",
            "--test",
            "handles",
            "--test",
            "fuzz_corpus",
            "--test",
            "lists_streamed",
            "--test",
            "actions_waited",
            "--test",
            "deviations",
            "--test",
            "requests_unchecked",
        ],
        env: &[],
        arg_from_env: None,
    },
    Step { name: "doc tests", program: "cargo", args: &["test", "--workspace", "--doc"], env: &[], arg_from_env: None },
    // Installs the pinned Prism when missing and fails if it cannot: never a silent skip.
    Step {
        name: "contract tests (Prism)",
        program: "cargo",
        args: &["xtask", "contract"],
        env: &[],
        arg_from_env: None,
    },
    // The build-cost and binary-size benches time this program: it stopped compiling once when
    // the list API changed, unnoticed, because nothing but those scripts builds it. It shares the
    // user crate's target directory, whose dependencies are built already.
    Step {
        name: "the benches' user program (droplets alone)",
        program: "cargo",
        args: &[
            "check",
            "--locked",
            "--manifest-path",
            "bench/build-one-tag/Cargo.toml",
            "--target-dir",
            "target/outside-user",
        ],
        env: &[],
        arg_from_env: None,
    },
];

/// A step as it runs: a per-tag step (`{tag}` in its name) once for each of [`TAGS_ALONE`].
struct Run {
    name: String,
    step: &'static Step,
    args: Vec<String>,
}

fn runs() -> Vec<Run> {
    let mut out = Vec::new();
    for step in STEPS {
        let tags: &[&str] = if step.name.contains("{tag}") { TAGS_ALONE } else { &[""] };
        for tag in tags {
            out.push(Run {
                name: step.name.replace("{tag}", tag),
                step,
                args: step.args.iter().map(|a| a.replace("{tag}", tag)).collect(),
            });
        }
    }
    out
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("ci: unknown argument `{extra}`"));
    }
    let runs = runs();
    let total = runs.len();
    for (i, Run { name, step, mut args }) in runs.into_iter().enumerate() {
        if let Some(var) = step.arg_from_env {
            match std::env::var(var) {
                Ok(value) if !value.is_empty() => args.push(value),
                _ => {
                    println!("==> [{}/{total}] {name}: skipped: {var} unset", i + 1);
                    continue;
                }
            }
        }
        println!("==> [{}/{total}] {name}: {} {}", i + 1, step.program, args.join(" "));
        let started = std::time::Instant::now();
        let status = Command::new(step.program)
            .args(&args)
            // A one-shot build gains nothing from incremental caches, which would double the
            // disk the gate takes.
            .env("CARGO_INCREMENTAL", "0")
            .envs(step.env.iter().copied())
            .current_dir(root)
            .status()
            .map_err(|e| format!("{name}: could not start {}: {e}", step.program))?;
        // Each step's time, so that the gate's cost stays visible as the API grows.
        println!(
            "    ({name} took {:.0} s; target directory {})",
            started.elapsed().as_secs_f64(),
            target_size(&std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into))
        );
        if !status.success() {
            return Err(format!("step `{name}` failed ({status})"));
        }
    }
    println!("==> all {total} steps passed");
    Ok(())
}

/// What the target directory holds, in GB: the gate's disk cost, shown after each step so that
/// growth is seen before a machine runs out.
fn target_size(dir: &Path) -> String {
    fn walk(dir: &Path) -> u64 {
        let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
        entries
            .flatten()
            .map(|e| match e.file_type() {
                Ok(t) if t.is_dir() => walk(&e.path()),
                Ok(t) if t.is_file() => e.metadata().map(|m| m.len()).unwrap_or(0),
                _ => 0,
            })
            .sum()
    }
    format!("{:.1} GB", walk(dir) as f64 / 1e9)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_per_tag_step_runs_once_for_each_tag_alone() {
        let runs = super::runs();
        let alone: Vec<&str> = runs.iter().map(|r| r.name.as_str()).filter(|n| n.ends_with(" alone")).collect();
        assert!(alone.contains(&"SDK features: droplets alone"), "{alone:?}");
        let droplets = runs.iter().find(|r| r.name == "SDK features: droplets alone").unwrap();
        assert!(droplets.args.contains(&"tls-ring,droplets".to_owned()), "{:?}", droplets.args);
        assert!(runs.iter().all(|r| !r.name.contains("{tag}") && r.args.iter().all(|a| !a.contains("{tag}"))));
    }
}
