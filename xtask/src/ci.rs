//! `cargo xtask ci`: the whole test gate, one command, the one `.ci/run` calls.

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
    Step {
        name: "no undeclared drift from upstream",
        program: "cargo",
        args: &["xtask", "vendor", "--drift", "--upstream"],
        env: &[],
        arg_from_env: Some("DO_UPSTREAM_SPEC"),
    },
    Step { name: "formatting", program: "cargo", args: &["fmt", "--all", "--check"], env: &[], arg_from_env: None },
    Step {
        name: "clippy",
        program: "cargo",
        args: &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"],
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
    Step { name: "doc tests", program: "cargo", args: &["test", "--workspace", "--doc"], env: &[], arg_from_env: None },
    // Installs the pinned Prism when missing and fails if it cannot: never a silent skip.
    Step {
        name: "contract tests (Prism)",
        program: "cargo",
        args: &["xtask", "contract"],
        env: &[],
        arg_from_env: None,
    },
];

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("ci: unknown argument `{extra}`"));
    }
    for (i, step) in STEPS.iter().enumerate() {
        let mut args: Vec<String> = step.args.iter().map(|a| (*a).to_owned()).collect();
        if let Some(var) = step.arg_from_env {
            match std::env::var(var) {
                Ok(value) if !value.is_empty() => args.push(value),
                _ => {
                    println!("==> [{}/{}] {}: skipped: {var} unset", i + 1, STEPS.len(), step.name);
                    continue;
                }
            }
        }
        println!("==> [{}/{}] {}: {} {}", i + 1, STEPS.len(), step.name, step.program, args.join(" "));
        let status = Command::new(step.program)
            .args(&args)
            .envs(step.env.iter().copied())
            .current_dir(root)
            .status()
            .map_err(|e| format!("{}: could not start {}: {e}", step.name, step.program))?;
        if !status.success() {
            return Err(format!("step `{}` failed ({status})", step.name));
        }
    }
    println!("==> all {} steps passed", STEPS.len());
    Ok(())
}
