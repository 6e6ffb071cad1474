//! Helpers shared by the integration tests: fixtures and a client pointed at a local server.

pub mod attempts;
/// The documented examples of the whole API, each with its place's schema and codec.
#[cfg(feature = "whole-api")]
pub mod documented;
pub mod examples;
/// The examples test's table of generated types (written by `cargo xtask generate`).
// Generated: one line an operation, as the generator writes it.
#[cfg(feature = "whole-api")]
#[rustfmt::skip]
#[path = "generated/example_codecs.rs"]
pub mod example_codecs;
pub mod faulty;
pub mod handle_calls;
/// The handle calls test's table: every operation called through its handle (written by
/// `cargo xtask generate`).
// Generated: one line an operation, as the generator writes it.
#[cfg(feature = "whole-api")]
#[rustfmt::skip]
#[path = "generated/handle_calls.rs"]
pub mod handle_call_table;
pub mod fuzz_targets;

use std::path::PathBuf;

use digitalocean_sdk::{Client, RetryPolicy};

/// The token every test client sends; tests assert it never leaks.
pub const TEST_TOKEN: &str = "dop_v1_test_token_0123456789abcdef";

/// A fixture file's text.
pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// A fixture parsed as JSON.
pub fn fixture_json(name: &str) -> serde_json::Value {
    serde_json::from_str(&fixture(name)).expect("fixtures are JSON")
}

/// A client for `base_url` with the test token and no retries.
pub fn client(base_url: &str) -> Client {
    client_with(base_url, RetryPolicy::none())
}

/// The model access key every test client sends to the inference host.
pub const TEST_INFERENCE_KEY: &str = "test_model_access_key_0123456789";
/// The agent access key of the test agent endpoints.
pub const TEST_AGENT_KEY: &str = "test_agent_access_key_0123456789";

/// A client for `base_url` with the test token and this retry policy. Inference goes to
/// `base_url` too, with [`TEST_INFERENCE_KEY`]: one loopback server answers every host.
pub fn client_with(base_url: &str, retry: RetryPolicy) -> Client {
    Client::builder(TEST_TOKEN)
        .base_url(base_url)
        .inference_url(base_url)
        .inference_key(TEST_INFERENCE_KEY)
        .retry_policy(retry)
        .build()
        .expect("client")
}

/// Adds the rate-limit headers and an `x-request-id` (`req-from-header`) to a wiremock answer,
/// as the API sends them with every response.
pub fn with_rate_limit(t: wiremock::ResponseTemplate) -> wiremock::ResponseTemplate {
    t.insert_header("ratelimit-limit", "5000")
        .insert_header("ratelimit-remaining", "4321")
        .insert_header("ratelimit-reset", "1700000000")
        .insert_header("x-request-id", "req-from-header")
}

/// The one request a wiremock server saw; fails the test if it saw another number.
pub async fn only_request(server: &wiremock::MockServer) -> wiremock::Request {
    let mut requests = server.received_requests().await.expect("recording on");
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

/// The upstream spec's `specification/` folder, from `DO_UPSTREAM_SPEC`. Unset, a test that
/// needs it skips with the reason printed on a developer's machine, and fails under CI
/// (`CI` set), where a skip would report "ok" for a check that never ran.
pub fn upstream_spec() -> Option<std::path::PathBuf> {
    match std::env::var_os("DO_UPSTREAM_SPEC") {
        Some(dir) if !dir.is_empty() => Some(std::path::PathBuf::from(dir)),
        _ if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) => {
            panic!("DO_UPSTREAM_SPEC is not set under CI: .ci/run sets it to upstream's specification/ folder")
        }
        _ => {
            println!("skipped: DO_UPSTREAM_SPEC is not set (the upstream `specification/` folder)");
            None
        }
    }
}
