//! The `image_actions` example, run as a user runs it: offline against its built-in fake, and
//! through `DIGITALOCEAN_TOKEN` / `DIGITALOCEAN_API_URL` against a fake this test controls.
//!
//! `cargo test` builds the examples before running tests, so the binary sits beside this test's
//! own; a nested `cargo build` here would wait forever on the lock the running `cargo test` holds.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use digitalocean_fake_api::FakeApi;
use serde_json::Value;

const IMAGE: u64 = 7938269;
const TOKEN: &str = "dop_v1_demo_test_token";

fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    // target/<profile>/deps/demo-<hash> -> target/<profile>/examples/image_actions
    let profile_dir = exe.parent().and_then(Path::parent).expect("tests run from target/<profile>/deps");
    let binary = profile_dir.join("examples").join(format!("image_actions{}", std::env::consts::EXE_SUFFIX));
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/image_actions.rs");
    let built = std::fs::metadata(&binary).and_then(|m| m.modified());
    let edited = std::fs::metadata(&source).and_then(|m| m.modified()).expect("the example's source");
    match built {
        Ok(built) if built >= edited => binary,
        Ok(_) => {
            panic!("{} is older than its source; run `cargo test -p digitalocean-sdk` to rebuild", binary.display())
        }
        Err(_) => panic!(
            "{} is missing; run the tests with `cargo test -p digitalocean-sdk` (which builds examples) \
             or `cargo build --example image_actions` first",
            binary.display()
        ),
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn actions(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not one JSON value per line ({e}): {l}")))
            .collect()
    }
}

/// Runs the example with `args`; `api` is `Some((url, token))` to use the environment's API.
fn run(args: &[&str], api: Option<(&str, &str)>) -> Run {
    let mut command = Command::new(example_binary());
    command.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    command.env_remove("DIGITALOCEAN_TOKEN").env_remove("DIGITALOCEAN_API_URL");
    if let Some((url, token)) = api {
        command.env("DIGITALOCEAN_API_URL", url).env("DIGITALOCEAN_TOKEN", token);
    }
    let mut child = command.spawn().expect("the example starts");
    // A hung example must fail the test, not hang CI.
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("waitable").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the example did not finish within 60 s: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("output");
    let run = Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "the example panicked: {}", run.stderr);
    run
}

#[test]
fn offline_convert_prints_one_in_progress_action() {
    let r = run(&["convert", "7938269"], None);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let actions = r.actions();
    assert_eq!(actions.len(), 1, "{}", r.stdout);
    assert_eq!(actions[0]["status"], "in-progress");
    assert_eq!(actions[0]["type"], "convert");
    assert_eq!(actions[0]["resource_id"], IMAGE);
    assert!(r.stderr.contains("DIGITALOCEAN_TOKEN is not set"), "says it uses the fake: {}", r.stderr);
}

#[test]
fn offline_transfer_wait_ends_with_the_completed_action() {
    let r = run(&["transfer", "7938269", "nyc3", "--wait"], None);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let actions = r.actions();
    let (first, last) = (&actions[0], &actions[actions.len() - 1]);
    assert_eq!((first["status"].as_str(), last["status"].as_str()), (Some("in-progress"), Some("completed")));
    assert_eq!(first["id"], last["id"]);
    assert_eq!(last["region_slug"], "nyc3");
    assert!(last["completed_at"].is_string());
    // The progress line is redrawn in place and ends on the final status.
    assert!(r.stderr.contains("\raction "), "{:?}", r.stderr);
    assert!(r.stderr.contains("is in-progress after"), "{:?}", r.stderr);
    assert!(r.stderr.contains("is completed after"), "{:?}", r.stderr);
}

#[test]
fn offline_list_shows_the_demo_history_newest_first() {
    let r = run(&["list", "42"], None);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let ids: Vec<u64> = r.actions().iter().map(|a| a["id"].as_u64().unwrap()).collect();
    assert!(!ids.is_empty());
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
}

#[tokio::test]
async fn through_the_environment_list_shows_the_actions_started_before() {
    let fake = FakeApi::builder().image(IMAGE).token(TOKEN).polls_to_complete(2).start().await;
    let api = Some((fake.uri(), TOKEN));
    let api = api.as_ref().map(|(u, t)| (u.as_str(), *t));

    let converted = run(&["convert", "7938269"], api);
    assert_eq!(converted.code, Some(0), "{}", converted.stderr);
    assert!(!converted.stderr.contains("not set"), "uses the environment, not its own fake");
    let transferred = run(&["transfer", "7938269", "ams3", "--wait"], api);
    assert_eq!(transferred.code, Some(0), "{}", transferred.stderr);
    let transfer = transferred.actions();
    assert_eq!(transfer.last().unwrap()["status"], "completed");

    let listed = run(&["list", "7938269"], api);
    assert_eq!(listed.code, Some(0), "{}", listed.stderr);
    let ids: Vec<Value> = listed.actions().iter().map(|a| a["id"].clone()).collect();
    assert_eq!(ids, [transfer[0]["id"].clone(), converted.actions()[0]["id"].clone()], "both, newest first");

    let got = run(&["get", "7938269", &transfer[0]["id"].to_string()], api);
    assert_eq!(got.actions()[0]["status"], "completed");
    assert_eq!(fake.polls(transfer[0]["id"].as_u64().unwrap()), 3, "two polls while waiting, one get");
}

#[tokio::test]
async fn api_errors_exit_non_zero_with_the_message() {
    let fake = FakeApi::builder().image(IMAGE).token(TOKEN).start().await;
    let unknown = run(&["get", "1", "2"], Some((&fake.uri(), TOKEN)));
    assert_eq!(unknown.code, Some(1));
    assert!(unknown.stderr.contains("not_found"), "{}", unknown.stderr);
    assert!(unknown.stdout.is_empty());

    let wrong_token = run(&["list", "7938269"], Some((&fake.uri(), "dop_v1_wrong")));
    assert_eq!(wrong_token.code, Some(1));
    assert!(wrong_token.stderr.contains("unauthorized"), "{}", wrong_token.stderr);
    assert!(!wrong_token.stderr.contains("dop_v1_wrong"), "the token is never printed");
}

#[test]
fn bad_arguments_print_usage_and_exit_2() {
    for args in [
        &[][..],
        &["frobnicate"],
        &["convert"],
        &["convert", "abc"],
        &["convert", "0"],
        &["get", "1"],
        &["get", "1", "x"],
        &["transfer", "1"],
        &["convert", "1", "--bogus"],
        &["list", "1", "--wait"],
        &["list", "1", "2"],
    ] {
        let r = run(args, None);
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("usage: image_actions"), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}");
    }
    let help = run(&["--help"], None);
    assert_eq!(help.code, Some(0));
    assert!(help.stdout.contains("usage: image_actions"));
}
