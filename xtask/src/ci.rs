//! `cargo xtask ci`: the whole test gate, one command, the one `.ci/run` calls.

use std::path::Path;
use std::process::Command;

struct Step {
    name: &'static str,
    program: &'static str,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
}

const STEPS: &[Step] = &[
    Step { name: "generated code is current", program: "cargo", args: &["xtask", "generate", "--check"], env: &[] },
    Step { name: "formatting", program: "cargo", args: &["fmt", "--all", "--check"], env: &[] },
    Step {
        name: "clippy",
        program: "cargo",
        args: &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"],
        env: &[],
    },
    Step {
        name: "rustdoc",
        program: "cargo",
        args: &["doc", "--workspace", "--no-deps"],
        env: &[("RUSTDOCFLAGS", "-D warnings")],
    },
    Step { name: "tests", program: "cargo", args: &["test", "--workspace", "--all-targets"], env: &[] },
    Step { name: "doc tests", program: "cargo", args: &["test", "--workspace", "--doc"], env: &[] },
    // Installs the pinned Prism when missing and fails if it cannot: never a silent skip.
    Step { name: "contract tests (Prism)", program: "cargo", args: &["xtask", "contract"], env: &[] },
];

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("ci: unknown argument `{extra}`"));
    }
    for (i, step) in STEPS.iter().enumerate() {
        println!("==> [{}/{}] {}: {} {}", i + 1, STEPS.len(), step.name, step.program, step.args.join(" "));
        let status = Command::new(step.program)
            .args(step.args)
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
