//! One run: a spec mocked by Prism in one response mode, every operation through the recorder,
//! each outcome compared with the run's list of known quirks.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::json;

use crate::ops::{self, Op};
use crate::prism::Prism;
use crate::recorder::{Exchange, Recorder};

/// How Prism builds its responses.
#[derive(Clone, Copy, Debug)]
pub enum Mode {
    /// The spec's examples where it has them, else values built from the schema.
    Examples,
    /// Values built from the schemas, examples ignored: what the schema itself promises.
    SchemaBuilt,
    /// Random schema-valid values, from a fixed seed so a run can be repeated.
    Dynamic,
}

impl Mode {
    fn flags(self) -> &'static [&'static str] {
        match self {
            Mode::Examples => &[],
            Mode::SchemaBuilt => &["--ignoreExamples"],
            Mode::Dynamic => &["--dynamic", "--seed", "digitalocean-sdk-contract"],
        }
    }

    fn label(self) -> &'static str {
        match self {
            Mode::Examples => "examples",
            Mode::SchemaBuilt => "schema-built responses",
            Mode::Dynamic => "dynamic responses (seeded)",
        }
    }
}

/// A deviation a run expects: the operations it affects, a piece of text each failure must
/// contain, and why the spec is wrong there rather than the SDK.
pub struct Quirk {
    pub ops: &'static [&'static str],
    pub shows: &'static str,
    pub why: &'static str,
}

pub struct Run {
    pub spec: &'static str,
    pub path: PathBuf,
    pub mode: Mode,
    pub quirks: &'static [Quirk],
}

/// Runs every run and fails with all findings at once; prints a summary either way.
pub async fn check(runs: &[Run]) {
    // Start every Prism at once: Node's start-up dominates the time.
    let started: Vec<Result<Prism, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = runs.iter().map(|run| s.spawn(|| Prism::start(&run.path, run.mode.flags()))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("prism start-up panicked".into()))).collect()
    });
    let mut prisms = Vec::new();
    for (run, prism) in runs.iter().zip(started) {
        match prism {
            Ok(p) => prisms.push(p),
            // The guards already started are dropped (killed) by the unwinding.
            Err(e) => panic!("{} ({}): Prism could not be started: {e}", run.spec, run.mode.label()),
        }
    }
    let mut failures = Vec::new();
    for (run, prism) in runs.iter().zip(&prisms) {
        let (summary, run_failures) = one(run, prism).await;
        println!("{summary}");
        if !run_failures.is_empty() {
            let output = prism.output();
            let tail: Vec<&str> = output.lines().rev().take(40).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            failures.push(format!(
                "{} ({}):\n  {}\n  prism's last lines:\n    {}",
                run.spec,
                run.mode.label(),
                run_failures.join("\n  "),
                tail.join("\n    ")
            ));
        }
    }
    assert!(failures.is_empty(), "contract failures:\n{}", failures.join("\n"));
}

async fn one(run: &Run, prism: &Prism) -> (String, Vec<String>) {
    let recorder = Recorder::start(&prism.url, None).await;
    let client = tests::client(&recorder.url);
    let mut failures = Vec::new();
    let mut summary = format!("== contract: {} ({}) via prism at {}\n", run.spec, run.mode.label(), prism.url);

    match canary(&recorder).await {
        Ok(()) => summary.push_str("   canary: a malformed request is rejected, so validation is on\n"),
        Err(e) => failures.push(format!("canary: {e}")),
    }

    let (mut requests, mut valid, mut quirks_seen) = (0, 0, 0);
    for op in ops::ALL {
        let name = op.name();
        let start = recorder.count();
        let result = op.call(&client).await.map_err(|e| chain(&e));
        let exchanges = recorder.since(start);
        requests += exchanges.len();
        valid += exchanges.iter().filter(|e| !e.rejected()).count();
        let deviation = deviation(op, &exchanges, &result);
        let quirk = run.quirks.iter().find(|q| q.ops.contains(&name.as_str()));
        match (deviation, quirk) {
            (None, None) => {
                let ok = result.as_deref().unwrap_or_default();
                let _ = writeln!(summary, "   ok     {name:<36} {ok}  [{}]", lines(&exchanges));
            }
            (Some(d), Some(q)) if d.contains(q.shows) => {
                quirks_seen += 1;
                let _ = writeln!(summary, "   quirk  {name:<36} {d}\n          known: {}", q.why);
            }
            (Some(d), _) => {
                let _ = writeln!(summary, "   FAIL   {name:<36} {d}");
                failures.push(format!("{name}: {d}"));
            }
            (None, Some(q)) => {
                let message = format!(
                    "{name}: the listed quirk ({}) no longer shows; remove it from the list if the spec was fixed",
                    q.shows
                );
                let _ = writeln!(summary, "   FAIL   {message}");
                failures.push(message);
            }
        }
    }
    let _ = write!(
        summary,
        "   -> {} operations, {requests} requests, {valid} passed validation; {quirks_seen} known quirk(s); {} failure(s)",
        ops::ALL.len(),
        failures.len()
    );
    (summary, failures)
}

/// What is wrong with one call, if anything: a request Prism rejected (or flagged), a call that
/// sent nothing, or a response the SDK could not use.
fn deviation(op: &Op, exchanges: &[Exchange], result: &Result<String, String>) -> Option<String> {
    if exchanges.is_empty() {
        return Some(format!("{op:?} sent no request"));
    }
    let rejected: Vec<String> = exchanges
        .iter()
        .filter(|e| e.rejected())
        .map(|e| format!("{} -> {}: {}", e.request, e.status, e.violations.join("; ")))
        .collect();
    if !rejected.is_empty() {
        return Some(format!("request rejected: {}", rejected.join(" | ")));
    }
    result.as_ref().err().map(|e| format!("call failed: {e}"))
}

/// The error and its sources, as an application's report shows them: each cause is printed by
/// the error that owns it, once.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn lines(exchanges: &[Exchange]) -> String {
    exchanges.iter().map(|e| format!("{} -> {}", e.request, e.status)).collect::<Vec<_>>().join(", ")
}

/// A request that no spec version accepts must come back rejected; otherwise the run would
/// pass with validation off and prove nothing.
pub async fn canary(recorder: &Recorder) -> Result<(), String> {
    let start = recorder.count();
    reqwest::Client::new()
        .post(format!("{}/v2/images/7938269/actions", recorder.url))
        .bearer_auth("canary")
        .json(&json!({"type": "explode"}))
        .send()
        .await
        .map_err(|e| format!("could not send: {e}"))?;
    match recorder.since(start).as_slice() {
        [e] if e.rejected() => Ok(()),
        [e] => {
            Err(format!("prism accepted an invalid body ({} -> {}): request validation is off", e.request, e.status))
        }
        other => Err(format!("expected one exchange, saw {}", other.len())),
    }
}
