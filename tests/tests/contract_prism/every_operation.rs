//! Every operation of the whole API (659 at upstream 7c1300c), called through its SDK handle
//! against Prism: the request the SDK builds must draw no violation.
//!
//! The calls are the handle calls test's (`tests::handle_call_table` and the hand-written
//! handles' operations, `common/plan.rs`): path and query parameters and a body from the
//! documented request example, or built from example values. Each spec is mocked by one Prism
//! with `--errors`, in its default response mode (the spec's examples), behind the recording
//! proxy, and a call's requests are judged by what Prism says of them: a 422 or an
//! `sl-violations` header, or a Prism problem body (no path or method matched, a media type it
//! does not take). Only the request is judged here; whether Prism's made-up answer decodes is
//! counted and printed, not asserted (the examples test pins the documented answers).
//!
//! Prism ignores an operation's own `servers` when the request carries no base URL of its own,
//! as here: the 15 operations that upstream serves from another host (`inference.do-ai.run`,
//! an agent's URL, a presigned upload URL) are matched by path alone. The SDK sends them to
//! the client's base URL like every other operation, so what is checked for them is the path,
//! the query and the body, not the host.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use crate::plan::{Planned, check_walk, plan};
use crate::prism::Prism;
use crate::recorder::{Exchange, Recorder};

/// An operation whose request a spec rejects because the spec is wrong there, not the SDK.
pub struct Listed {
    /// The operationId.
    pub id: &'static str,
    /// A piece of text each of the operation's violations contains.
    pub shows: &'static str,
    /// What corrects the spec for the SDK: the overlay under `openapi/overlays/`, or the
    /// normalization pass, that makes the effective spec accept the request.
    pub fixed_by: &'static str,
    /// Why the spec is wrong.
    pub why: &'static str,
}

/// One spec to mock, and what it is known to reject.
pub struct Spec {
    pub label: &'static str,
    pub path: PathBuf,
    pub listed: &'static [Listed],
}

/// What one spec made of every call.
struct Report {
    text: String,
    failures: Vec<String>,
}

/// Mocks each spec with its own Prism (started side by side, then walked side by side: one
/// Node process each), calls every operation against each, and fails with every finding at once.
pub async fn check(specs: &[Spec], own_servers: &BTreeSet<String>) {
    let planned = plan();
    let spec_ids = check_walk(&planned);
    for spec in specs {
        let unknown: Vec<_> = spec.listed.iter().filter(|l| !spec_ids.contains(l.id)).map(|l| l.id).collect();
        assert!(unknown.is_empty(), "{}: listed operations that the spec does not have: {unknown:?}", spec.label);
    }
    let started: Vec<Result<Prism, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = specs.iter().map(|spec| s.spawn(|| Prism::start(&spec.path, &[]))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("prism start-up panicked".into()))).collect()
    });
    let mut prisms = Vec::new();
    for (spec, prism) in specs.iter().zip(started) {
        match prism {
            Ok(p) => prisms.push(p),
            // The guards already started are dropped (killed) by the unwinding.
            Err(e) => panic!("{}: Prism could not be started: {e}", spec.label),
        }
    }
    let walks = specs.iter().zip(&prisms).map(|(spec, prism)| walk(spec, prism, &planned, own_servers));
    let reports = futures::future::join_all(walks).await;
    let mut failures = Vec::new();
    for ((spec, prism), report) in specs.iter().zip(&prisms).zip(reports) {
        println!("{}", report.text);
        if !report.failures.is_empty() {
            let output = prism.output();
            let tail: Vec<&str> = output.lines().rev().take(20).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            failures.push(format!(
                "{}:\n  {}\n  prism's last lines:\n    {}",
                spec.label,
                report.failures.join("\n  "),
                tail.join("\n    ")
            ));
        }
    }
    assert!(failures.is_empty(), "request violations:\n{}", failures.join("\n"));
}

/// Every planned call against one Prism, one after the other (the recorder tells a call's
/// requests apart by their order).
async fn walk(spec: &Spec, prism: &Prism, planned: &[Planned], own_servers: &BTreeSet<String>) -> Report {
    let recorder = Recorder::start(&prism.url, None).await;
    let client = tests::client(&recorder.url);
    let listed: BTreeMap<&str, &Listed> = spec.listed.iter().map(|l| (l.id, l)).collect();
    let n = planned.len();
    let (mut clean, mut decoded, mut requests) = (0, 0, 0);
    let mut failures = Vec::new();
    let mut shown = Vec::new();
    // Calls whose requests passed but whose answer the SDK could not use, by tag; and those
    // whose answer Prism itself found against the spec (the spec's example breaks its schema).
    let mut undecoded: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut bad_answers = Vec::new();
    let mut elsewhere = Vec::new();
    // Without validation on, every request would pass and the walk would prove nothing.
    let canary = crate::runs::canary(&recorder).await;
    if let Err(e) = &canary {
        failures.push(format!("canary: {e}"));
    }
    for p in planned {
        let start = recorder.count();
        let result = match &p.run {
            Ok(run) => run(client.clone()).await,
            Err(e) => Err(e.clone()),
        };
        let exchanges = recorder.since(start);
        requests += exchanges.len();
        if exchanges.is_empty() {
            failures.push(format!("{}: sent no request: {}", p.id, result.err().unwrap_or_default()));
            continue;
        }
        if own_servers.contains(p.id) {
            elsewhere.push(format!("{} ({})", p.id, lines(&exchanges)));
        }
        let rejected: Vec<(&Exchange, Vec<&str>)> =
            exchanges.iter().map(|e| (e, e.request_violations())).filter(|(_, v)| !v.is_empty()).collect();
        let quirk = listed.get(p.id);
        if rejected.is_empty() {
            clean += 1;
            let answer: Vec<&str> = exchanges.iter().flat_map(|e| e.response_violations()).collect();
            match result {
                Ok(()) => decoded += 1,
                Err(_) if !answer.is_empty() => bad_answers.push(format!("{}: {}", p.id, short(answer[0]))),
                Err(e) => undecoded.entry(p.tag).or_default().push(format!("{}: {}", p.id, short(&e))),
            }
            if let Some(q) = quirk {
                failures.push(format!(
                    "{}: listed ({}) but its request now validates; remove it from the list if the spec was fixed",
                    p.id, q.shows
                ));
            }
            continue;
        }
        let found: Vec<String> =
            rejected.iter().map(|(e, v)| format!("{} -> {}: {}", e.request, e.status, v.join("; "))).collect();
        match quirk {
            Some(q) if rejected.iter().all(|(_, v)| v.iter().all(|v| v.contains(q.shows))) => {
                shown.push(format!(
                    "   listed {} | {}\n          why: {} ({})",
                    p.id,
                    found.join(" | "),
                    q.why,
                    q.fixed_by
                ));
            }
            _ => failures.push(format!("{} ({}): {}", p.id, p.tag, found.join(" | "))),
        }
    }
    let listed_note = if shown.is_empty() { String::new() } else { format!(", {} listed", shown.len()) };
    let mut text = String::new();
    let _ = writeln!(text, "== {} via prism at {} ({requests} requests)", spec.label, prism.url);
    if canary.is_ok() {
        let _ = writeln!(text, "   canary: a malformed request is rejected, so validation is on");
    }
    let _ = writeln!(text, "prism requests: {clean}/{n} without violations{listed_note} ({})", spec.label);
    let undecoded_n: usize = undecoded.values().map(Vec::len).sum();
    let _ = writeln!(
        text,
        "   answers (reported, not asserted): {decoded}/{clean} decoded by the SDK; {} where Prism found its own \
         answer against the spec (the spec's example breaks its schema); {undecoded_n} that did not decode",
        bad_answers.len()
    );
    for line in &shown {
        let _ = writeln!(text, "{line}");
    }
    let _ = writeln!(text, "   matched by path alone (their own server upstream): {}", elsewhere.join(", "));
    for line in &bad_answers {
        let _ = writeln!(text, "   answer against the spec: {line}");
    }
    for (tag, list) in &undecoded {
        let _ = writeln!(text, "   undecoded, {tag}: {}", list.join(" || "));
    }
    for f in &failures {
        let _ = writeln!(text, "   VIOLATION {f}");
    }
    Report { text, failures }
}

fn lines(exchanges: &[Exchange]) -> String {
    exchanges.iter().map(|e| format!("{} -> {}", e.request, e.status)).collect::<Vec<_>>().join(", ")
}

/// An error's first line, cut to a readable length.
fn short(error: &str) -> String {
    let line = error.lines().next().unwrap_or_default();
    match line.char_indices().nth(200) {
        Some((i, _)) => format!("{}..", &line[..i]),
        None => line.to_owned(),
    }
}
