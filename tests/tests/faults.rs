//! Fault injection: the SDK against servers on loopback that misbehave. Each case pins the
//! outcome (which error, with which status and fields, or success after how many attempts) and
//! how many requests (or connections) the server saw. The README's "Reliability: fault
//! injection" table lists them.
//!
//! wiremock serves the faults it can express; `tests::faulty` the ones it cannot (resets,
//! truncated bodies, stalls, lying `Content-Length`, endless bodies).

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use digitalocean_sdk::{ActionId, ActionStatus, Client, DEFAULT_MAX_RESPONSE_BYTES, Error, ImageId, RetryPolicy};
use serde_json::{Value, json};
use tests::faulty::{FaultyServer, Script, head, response};
use tests::{TEST_TOKEN, fixture, fixture_json};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const IMAGE: ImageId = ImageId::new(7938269).unwrap();
const ACTION: ActionId = ActionId::new(36805527).unwrap();
/// The request timeout of the stall cases: long enough for loopback, short for the suite.
const SHORT_TIMEOUT: Duration = Duration::from_millis(300);

/// Retries without real waits: 1 ms steps, no jitter.
fn fast(attempts: u32) -> RetryPolicy {
    RetryPolicy::default().max_attempts(attempts).base_delay(Duration::from_millis(1)).jitter(false)
}

fn client_with(uri: &str, policy: RetryPolicy) -> Client {
    tests::client_with(uri, policy)
}

fn client_timeout(uri: &str, policy: RetryPolicy, timeout: Duration) -> Client {
    Client::builder(TEST_TOKEN).base_url(uri).retry_policy(policy).request_timeout(timeout).build().unwrap()
}

fn client_capped(uri: &str, limit: u64) -> Client {
    Client::builder(TEST_TOKEN).base_url(uri).retry_policy(fast(3)).max_response_bytes(limit).build().unwrap()
}

async fn seen(server: &MockServer) -> usize {
    server.received_requests().await.expect("recording on").len()
}

fn action_json() -> String {
    fixture("image_action_post_201.json")
}

fn ok_json(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(action_json(), "application/json")
}

fn error_json(status: u16, id: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"id": id, "message": format!("{id} happened")}))
}

/// A wiremock server answering every request with `template`.
async fn always(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(template).mount(&server).await;
    server
}

/// A wiremock server answering the first `n` requests with `first`, then `then`.
async fn first_then(n: u64, first: ResponseTemplate, then: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(first).up_to_n_times(n).mount(&server).await;
    Mock::given(any()).respond_with(then).mount(&server).await;
    server
}

#[track_caller]
fn decode_error(err: &Error) -> (Option<u16>, &str, &str) {
    match err {
        Error::Decode { status, reason, excerpt, .. } => (status.map(|s| s.as_u16()), reason, excerpt),
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[track_caller]
fn api_error(err: &Error) -> &digitalocean_sdk::ApiError {
    err.api().unwrap_or_else(|| panic!("expected Error::Api, got {err:?}"))
}

// ---------------------------------------------------------------- bodies that do not decode

#[tokio::test]
async fn malformed_json_200_is_a_decode_error_and_not_retried() {
    let server = always(ResponseTemplate::new(200).set_body_raw(r#"{"action": {"id": 1,"#, "application/json")).await;
    let err = client_with(&server.uri(), fast(4)).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    let (status, reason, excerpt) = decode_error(&err);
    assert_eq!(status, Some(200));
    assert!(reason.contains("EOF"), "{reason}");
    assert_eq!(excerpt, r#"{"action": {"id": 1,"#);
    // A complete body that does not decode will not decode the next time either.
    assert_eq!(seen(&server).await, 1);
}

#[tokio::test]
async fn empty_2xx_body_is_a_decode_error() {
    let server = always(ResponseTemplate::new(200)).await;
    let err = client_with(&server.uri(), fast(4)).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    assert_eq!(decode_error(&err), (Some(200), "EOF while parsing a value at line 1 column 0", ""));
    assert_eq!(seen(&server).await, 1);

    let server = always(ResponseTemplate::new(201)).await;
    let err = client_with(&server.uri(), fast(4)).image_actions().convert(IMAGE).await.unwrap_err();
    assert_eq!(decode_error(&err).0, Some(201));
    assert_eq!(seen(&server).await, 1);
}

const HTML_502: &str = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";

#[tokio::test]
async fn html_502_for_get_is_retried_then_a_decode_error_with_an_excerpt() {
    let server = always(ResponseTemplate::new(502).set_body_raw(HTML_502, "text/html")).await;
    let err = client_with(&server.uri(), fast(3)).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    let (status, _, excerpt) = decode_error(&err);
    assert_eq!(status, Some(502));
    assert_eq!(excerpt, HTML_502);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(seen(&server).await, 3);
}

#[tokio::test]
async fn html_502_for_post_is_not_retried() {
    let server = always(ResponseTemplate::new(502).set_body_raw(HTML_502, "text/html")).await;
    let err = client_with(&server.uri(), fast(3)).image_actions().convert(IMAGE).await.unwrap_err();
    assert_eq!(decode_error(&err).0, Some(502));
    assert_eq!(seen(&server).await, 1);
}

#[tokio::test]
async fn valid_json_under_a_wrong_content_type_decodes() {
    let server = always(ResponseTemplate::new(200).set_body_raw(action_json(), "text/plain; charset=latin1")).await;
    let action = client_with(&server.uri(), fast(3)).image_actions().get(IMAGE, ACTION).await.unwrap();
    assert_eq!(action.id.get(), ACTION.get());
    assert_eq!(action.attempts(), 1);
    assert_eq!(seen(&server).await, 1);
}

#[tokio::test]
async fn not_found_with_a_plain_text_body_keeps_its_status() {
    let server = always(ResponseTemplate::new(404).set_body_raw("404 page not found\n", "text/plain")).await;
    let err = client_with(&server.uri(), fast(3)).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    let (status, _, excerpt) = decode_error(&err);
    assert_eq!((status, excerpt), (Some(404), "404 page not found\n"));
    assert!(err.is_not_found());
    assert_eq!(seen(&server).await, 1);
}

#[tokio::test]
async fn unknown_fields_and_enum_values_decode() {
    let mut body = fixture_json("image_action_post_201.json");
    body["action"]["status"] = json!("paused");
    body["action"]["region"]["slug"] = json!("mars1");
    body["action"]["region"]["colour"] = json!({"nested": [1, 2.5, null]});
    body["action"]["rollback"] = json!(null);
    body["links"] = json!({"self": "/v2/x"});
    let server = always(ResponseTemplate::new(200).set_body_json(body)).await;
    let action = client_with(&server.uri(), fast(3)).image_actions().get(IMAGE, ACTION).await.unwrap();
    assert_eq!(action.status, ActionStatus::Unknown("paused".into()));
    assert_eq!(action.region.as_ref().map(|r| r.slug.as_str()), Some("mars1"));
    assert_eq!(seen(&server).await, 1);
}

#[tokio::test]
async fn null_where_a_value_is_required_names_the_field() {
    let mut body = fixture_json("image_action_post_201.json");
    body["action"]["id"] = Value::Null;
    let server = always(ResponseTemplate::new(200).set_body_json(body)).await;
    let err = client_with(&server.uri(), fast(3)).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    let (status, reason, _) = decode_error(&err);
    assert_eq!(status, Some(200));
    assert!(reason.starts_with("at `action.id`: invalid type: null"), "{reason}");
    assert_eq!(seen(&server).await, 1);
}

#[tokio::test]
async fn an_empty_action_object_names_the_missing_field() {
    let server = always(ResponseTemplate::new(200).set_body_json(json!({"action": {}}))).await;
    let err = client_with(&server.uri(), fast(3)).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    let (status, reason, excerpt) = decode_error(&err);
    assert_eq!(status, Some(200));
    assert!(reason.starts_with("at `action`: missing field `"), "{reason}");
    assert_eq!(excerpt, r#"{"action":{}}"#);
    assert_eq!(seen(&server).await, 1);
}

#[tokio::test]
async fn an_error_body_of_the_wrong_shape_names_the_field() {
    let server = always(ResponseTemplate::new(422).set_body_json(json!({"id": 7, "message": "bad"}))).await;
    let err = client_with(&server.uri(), fast(3)).image_actions().convert(IMAGE).await.unwrap_err();
    let (status, reason, _) = decode_error(&err);
    assert_eq!(status, Some(422));
    assert!(reason.starts_with("at `id`: invalid type: integer `7`"), "{reason}");
    assert_eq!(seen(&server).await, 1);
}

// ------------------------------------------------------------------- bodies cut off or lying

fn truncated(status: u16) -> Script {
    let mut bytes = head(status, &[("content-type", "application/json"), ("content-length", "500")]);
    bytes.extend_from_slice(br#"{"action": {"id": 36805527, "st"#);
    Script::Respond(bytes)
}

fn whole() -> Script {
    Script::Respond(response(200, "application/json", action_json().as_bytes()))
}

#[tokio::test]
async fn truncated_body_for_get_is_retried_then_a_decode_error() {
    let server = FaultyServer::always(truncated(200)).await;
    let err = client_with(server.uri(), fast(3)).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    let (status, reason, _) = decode_error(&err);
    assert_eq!(status, Some(200));
    assert!(reason.starts_with("the body broke off"), "{reason}");
    assert_eq!((server.connections(), server.requests()), (3, 3));
}

#[tokio::test]
async fn truncated_body_for_get_then_a_whole_one_succeeds() {
    let server = FaultyServer::start(|n| if n == 0 { truncated(200) } else { whole() }).await;
    let action = client_with(server.uri(), fast(3)).image_actions().get(IMAGE, ACTION).await.unwrap();
    assert_eq!(action.attempts(), 2);
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn truncated_body_for_post_is_not_retried() {
    let server = FaultyServer::always(truncated(201)).await;
    let err = client_with(server.uri(), fast(3)).image_actions().convert(IMAGE).await.unwrap_err();
    assert_eq!(decode_error(&err).0, Some(201));
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn content_length_shorter_than_the_body_is_a_decode_error() {
    let body = action_json();
    let mut bytes = head(200, &[("content-type", "application/json"), ("content-length", "40")]);
    bytes.extend_from_slice(body.as_bytes());
    let server = FaultyServer::always(Script::Respond(bytes)).await;
    let err = client_with(server.uri(), fast(3)).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    let (status, reason, excerpt) = decode_error(&err);
    assert_eq!(status, Some(200));
    assert!(reason.contains("EOF"), "{reason}");
    assert_eq!(excerpt, &body[..40], "only what Content-Length announced is read");
    assert_eq!(server.requests(), 1);
}

// ------------------------------------------------------------------ resets and refusals

#[tokio::test]
async fn reset_before_the_request_is_read_get_is_retried() {
    let server = FaultyServer::always(Script::ResetBeforeRead).await;
    let err = client_with(server.uri(), fast(3)).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!((server.connections(), server.requests()), (3, 0));
}

#[tokio::test]
async fn reset_before_the_request_is_read_get_then_success() {
    let server = FaultyServer::start(|n| if n == 0 { Script::ResetBeforeRead } else { whole() }).await;
    let action = client_with(server.uri(), fast(3)).image_actions().get(IMAGE, ACTION).await.unwrap();
    assert_eq!(action.attempts(), 2);
    assert_eq!((server.connections(), server.requests()), (2, 1));
}

/// The client cannot tell a reset before the server read the request from one after: both
/// are "maybe processed", so a POST is not retried.
#[tokio::test]
async fn reset_before_the_request_is_read_post_is_not_retried() {
    let server = FaultyServer::always(Script::ResetBeforeRead).await;
    let err = client_with(server.uri(), fast(3)).image_actions().convert(IMAGE).await.unwrap_err();
    assert!(matches!(&err, Error::Transport { source, .. } if !source.is_connect()), "{err:?}");
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn reset_after_the_request_is_read_post_is_not_retried() {
    let server = FaultyServer::always(Script::ResetAfterRead).await;
    let err = client_with(server.uri(), fast(3)).image_actions().convert(IMAGE).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!((server.connections(), server.requests()), (1, 1));
}

#[tokio::test]
async fn reset_after_the_request_is_read_get_is_retried() {
    let server = FaultyServer::always(Script::ResetAfterRead).await;
    let err = client_with(server.uri(), fast(3)).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(server.requests(), 3);
}

// Connection refused: see faults_refused.rs (it counts attempts with a global subscriber).

// ------------------------------------------------------- a DELETE that finds nothing on a retry

fn not_found() -> Script {
    Script::Respond(response(404, "application/json", fixture("error_404_not_found.json").as_bytes()))
}

fn not_found_json() -> ResponseTemplate {
    ResponseTemplate::new(404).set_body_raw(fixture("error_404_not_found.json"), "application/json")
}

/// The first attempt's outcome is unknown (the server may have deleted the image and failed to
/// say so): the retry's 404 means that attempt did it.
#[tokio::test]
async fn delete_that_finds_404_after_a_503_succeeded() {
    let server = first_then(1, error_json(503, "service_unavailable"), not_found_json()).await;
    let deleted = client_with(&server.uri(), fast(3)).images().delete(IMAGE).await.unwrap();
    assert_eq!(deleted.attempts(), 2);
    assert_eq!(deleted.http_status().as_u16(), 404, "the status is what the server last said");
    assert_eq!(seen(&server).await, 2);
}

#[tokio::test]
async fn delete_that_finds_404_after_a_reset_after_the_request_was_read_succeeded() {
    let server = FaultyServer::start(|n| if n == 0 { Script::ResetAfterRead } else { not_found() }).await;
    let deleted = client_with(server.uri(), fast(3)).images().delete(IMAGE).await.unwrap();
    assert_eq!(deleted.attempts(), 2);
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn delete_that_finds_404_after_a_timeout_succeeded() {
    let server = FaultyServer::start(|n| if n == 0 { Script::Stall } else { not_found() }).await;
    let c = client_timeout(server.uri(), fast(3), SHORT_TIMEOUT);
    let deleted = c.droplets().destroy(digitalocean_sdk::DropletId::new(3164444).unwrap()).await.unwrap();
    assert_eq!(deleted.attempts(), 2);
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn delete_that_finds_404_at_once_is_an_error() {
    let server = always(not_found_json()).await;
    let err = client_with(&server.uri(), fast(3)).images().delete(IMAGE).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(seen(&server).await, 1);
}

/// A 429 says the request was not acted on: the 404 after it is the answer to the only DELETE
/// the server carried out.
#[tokio::test]
async fn delete_that_finds_404_after_a_429_is_an_error() {
    let too_many = error_json(429, "too_many_requests").insert_header("retry-after", "0");
    let server = first_then(1, too_many, not_found_json()).await;
    let err = client_with(&server.uri(), fast(3)).images().delete(IMAGE).await.unwrap_err();
    assert_eq!(api_error(&err).status.as_u16(), 404);
    assert_eq!(seen(&server).await, 2);
}

#[tokio::test]
async fn get_that_finds_404_after_a_503_is_an_error() {
    let server = first_then(1, error_json(503, "service_unavailable"), not_found_json()).await;
    let err = client_with(&server.uri(), fast(3)).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(seen(&server).await, 2);
}

// ------------------------------------------------------------------------------- stalls

#[tokio::test]
async fn stall_past_the_timeout_get_is_retried_then_a_timeout() {
    let server = FaultyServer::always(Script::Stall).await;
    let err =
        client_timeout(server.uri(), fast(3), SHORT_TIMEOUT).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn stall_past_the_timeout_post_is_not_retried() {
    let server = FaultyServer::always(Script::Stall).await;
    let err = client_timeout(server.uri(), fast(3), SHORT_TIMEOUT).image_actions().convert(IMAGE).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(server.requests(), 1);
}

fn stall_mid_body(status: u16) -> Script {
    let mut bytes = head(status, &[("content-type", "application/json"), ("content-length", "500")]);
    bytes.extend_from_slice(br#"{"action": {"#);
    Script::RespondThenStall(bytes)
}

#[tokio::test]
async fn stall_in_the_middle_of_the_body_get_is_retried_then_a_timeout() {
    let server = FaultyServer::always(stall_mid_body(200)).await;
    let err =
        client_timeout(server.uri(), fast(2), SHORT_TIMEOUT).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn stall_in_the_middle_of_the_body_post_is_not_retried() {
    let server = FaultyServer::always(stall_mid_body(201)).await;
    let err = client_timeout(server.uri(), fast(3), SHORT_TIMEOUT).image_actions().convert(IMAGE).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(server.requests(), 1);
}

// ------------------------------------------------------------------------ rate limiting

fn too_many(retry_after: &str) -> ResponseTemplate {
    ResponseTemplate::new(429)
        .insert_header("retry-after", retry_after)
        .set_body_json(fixture_json("error_429_too_many_requests.json"))
}

#[tokio::test]
async fn a_429_storm_that_clears_succeeds_even_for_post() {
    let server = first_then(3, too_many("0"), ok_json(201)).await;
    let action = client_with(&server.uri(), fast(4)).image_actions().convert(IMAGE).await.unwrap();
    assert_eq!(action.attempts(), 4);
    assert_eq!(seen(&server).await, 4);
}

#[tokio::test]
async fn a_429_storm_that_does_not_clear_is_an_api_error_with_retry_after() {
    let server = always(too_many("0")).await;
    let err = client_with(&server.uri(), fast(4)).image_actions().convert(IMAGE).await.unwrap_err();
    let api = api_error(&err);
    assert_eq!(api.status.as_u16(), 429);
    assert_eq!(api.id, "too_many_requests");
    assert_eq!(api.retry_after, Some(Duration::ZERO));
    assert_eq!(seen(&server).await, 4);
}

#[tokio::test]
async fn retry_after_one_second_is_honoured() {
    let server = first_then(1, too_many("1"), ok_json(200)).await;
    let started = Instant::now();
    let action = client_with(&server.uri(), fast(3)).image_actions().get(IMAGE, ACTION).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "retried before Retry-After");
    assert_eq!(action.attempts(), 2);
    assert_eq!(seen(&server).await, 2);
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

#[tokio::test]
async fn ratelimit_exhausted_waits_for_the_reset() {
    let reset = unix_now() + 1;
    let exhausted = ResponseTemplate::new(429)
        .insert_header("ratelimit-limit", "5000")
        .insert_header("ratelimit-remaining", "0")
        .insert_header("ratelimit-reset", reset.to_string().as_str())
        .set_body_json(fixture_json("error_429_too_many_requests.json"));
    let server = first_then(1, exhausted, ok_json(201)).await;
    let action = client_with(&server.uri(), fast(3)).image_actions().convert(IMAGE).await.unwrap();
    assert!(unix_now() >= reset, "retried before the window reset");
    assert_eq!(action.attempts(), 2);
    assert_eq!(seen(&server).await, 2);
}

#[tokio::test]
async fn retry_after_beyond_max_retry_wait_returns_at_once() {
    let server = always(too_many("3600")).await;
    let client = client_with(&server.uri(), fast(4).max_retry_wait(Duration::from_secs(60)).deadline(None));
    let actions = client.image_actions();
    let call = actions.get(IMAGE, ACTION);
    // Bounded so that a client that does wait fails the test instead of hanging it.
    let err = tokio::time::timeout(Duration::from_secs(30), call).await.expect("no wait").unwrap_err();
    assert_eq!(api_error(&err).retry_after, Some(Duration::from_secs(3600)));
    assert!(err.to_string().contains("retry after 3600 s"), "{err}");
    assert_eq!(seen(&server).await, 1);
}

/// Backoff 400 ms then 800 ms against a 1 s deadline: the second retry would start after it.
#[tokio::test]
async fn the_overall_deadline_stops_retries() {
    let server = always(error_json(503, "service_unavailable")).await;
    let policy = RetryPolicy::default()
        .max_attempts(10)
        .base_delay(Duration::from_millis(400))
        .jitter(false)
        .deadline(Some(Duration::from_secs(1)));
    let err = client_with(&server.uri(), policy).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    assert_eq!(api_error(&err).status.as_u16(), 503);
    assert_eq!(seen(&server).await, 2);
}

// --------------------------------------------------------------------------- 5xx and 501

#[tokio::test]
async fn a_5xx_then_success_for_get_takes_two_requests() {
    let server = first_then(1, error_json(500, "server_error"), ok_json(200)).await;
    let action = client_with(&server.uri(), fast(4)).image_actions().get(IMAGE, ACTION).await.unwrap();
    assert_eq!(action.attempts(), 2);
    assert_eq!(seen(&server).await, 2);
}

#[tokio::test]
async fn a_5xx_for_post_is_never_retried() {
    for status in [500, 502, 503, 504] {
        let server = always(error_json(status, "server_error")).await;
        let err = client_with(&server.uri(), fast(4)).image_actions().convert(IMAGE).await.unwrap_err();
        assert_eq!(api_error(&err).status.as_u16(), status);
        assert_eq!(seen(&server).await, 1, "{status}");
    }
}

#[tokio::test]
async fn a_501_for_get_is_not_retried() {
    let server = always(error_json(501, "not_implemented")).await;
    let err = client_with(&server.uri(), fast(4)).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    assert_eq!(api_error(&err).status.as_u16(), 501);
    assert_eq!(seen(&server).await, 1);
}

// ------------------------------------------------------------------------------ redirects

#[tokio::test]
async fn redirects_are_not_followed() {
    for (status, verb) in [(301, "GET"), (302, "GET"), (301, "POST"), (302, "POST"), (307, "POST")] {
        let server = MockServer::start().await;
        Mock::given(path("/elsewhere")).respond_with(ok_json(200)).mount(&server).await;
        let location = format!("{}/elsewhere", server.uri());
        Mock::given(method(verb))
            .respond_with(
                ResponseTemplate::new(status).insert_header("location", location.as_str()).set_body_string("Moved"),
            )
            .mount(&server)
            .await;
        let actions = client_with(&server.uri(), fast(3));
        let actions = actions.image_actions();
        let err = if verb == "GET" { actions.get(IMAGE, ACTION).await } else { actions.convert(IMAGE).await };
        let err = err.unwrap_err();
        let Error::UnexpectedStatus { status: got, location: Some(to), excerpt, .. } = &err else {
            panic!("{status} {verb}: {err:?}")
        };
        assert_eq!((got.as_u16(), to.as_str(), excerpt.as_str()), (status, location.as_str(), "Moved"));
        assert!(err.to_string().contains("redirects are not followed"), "{err}");
        assert_eq!(seen(&server).await, 1, "{status} {verb}: the target must not be requested");
    }
}

// ------------------------------------------------------------------------- huge bodies

const FIFTY_MB: u64 = 50 * 1024 * 1024;

/// 50 MB of body with no `Content-Length` (it ends when the connection closes): the size is
/// found only while reading.
fn endless(first: &[u8], chunk: &[u8]) -> Script {
    let mut head = head(200, &[("content-type", "application/json")]);
    head.extend_from_slice(first);
    Script::Stream { head, chunk: chunk.to_vec(), total: FIFTY_MB - first.len() as u64 }
}

#[track_caller]
fn assert_too_large(err: &Error, limit: u64) {
    let Error::ResponseTooLarge { status, limit: got, .. } = err else { panic!("expected ResponseTooLarge: {err:?}") };
    assert_eq!((status.as_u16(), *got), (200, limit));
    assert!(err.to_string().contains("max_response_bytes"), "{err}");
}

/// The server announces 50 MB, sends a few bytes and stalls: a client that tried to read the
/// body would time out; the SDK refuses it from the `Content-Length` alone.
#[tokio::test]
async fn fifty_mb_announced_by_content_length_is_refused_unread() {
    let mut bytes = head(200, &[("content-type", "application/json"), ("content-length", &FIFTY_MB.to_string())]);
    bytes.extend_from_slice(b"[0,0,0,");
    let server = FaultyServer::always(Script::RespondThenStall(bytes)).await;
    let client = client_timeout(server.uri(), fast(3), Duration::from_secs(2));
    let err = client.image_actions().list(IMAGE).page(1).await.unwrap_err();
    assert_too_large(&err, DEFAULT_MAX_RESPONSE_BYTES);
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn fifty_mb_of_json_array_without_length_stops_at_the_limit() {
    let chunk = b"0,".repeat(32 * 1024);
    let server = FaultyServer::always(endless(b"[", &chunk)).await;
    let err = client_with(server.uri(), fast(3)).image_actions().list(IMAGE).page(1).await.unwrap_err();
    assert_too_large(&err, DEFAULT_MAX_RESPONSE_BYTES);
    assert_eq!(server.requests(), 1);
    assert!(server.bytes_written() < FIFTY_MB, "the client read it all");
}

#[tokio::test]
async fn fifty_mb_of_whitespace_for_post_stops_at_the_limit() {
    let server = FaultyServer::always(endless(b"", &[b'\n'; 64 * 1024])).await;
    let err = client_with(server.uri(), fast(3)).image_actions().convert(IMAGE).await.unwrap_err();
    assert_too_large(&err, DEFAULT_MAX_RESPONSE_BYTES);
    assert_eq!(server.requests(), 1);
    assert!(server.bytes_written() < FIFTY_MB, "the client read it all");
}

/// The limit is exact: a body of exactly the limit is accepted, one byte more is not, whether
/// the size is announced (wiremock sends Content-Length) or found while reading.
#[tokio::test]
async fn the_size_limit_is_a_setting_and_exact() {
    let size = action_json().len() as u64;
    let server = always(ok_json(200)).await;
    assert!(client_capped(&server.uri(), size).image_actions().get(IMAGE, ACTION).await.is_ok());
    let err = client_capped(&server.uri(), size - 1).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    assert_too_large(&err, size - 1);
    assert_eq!(seen(&server).await, 2);

    let unannounced = head(200, &[("content-type", "application/json")]);
    let body = action_json().into_bytes();
    let server = FaultyServer::always(Script::Respond([unannounced, body].concat())).await;
    assert!(client_capped(server.uri(), size).image_actions().get(IMAGE, ACTION).await.is_ok());
    let err = client_capped(server.uri(), size - 1).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    assert_too_large(&err, size - 1);
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn an_error_body_over_the_limit_is_refused_too() {
    let server = always(ResponseTemplate::new(503).set_body_string("x".repeat(4096))).await;
    let err = client_capped(&server.uri(), 1024).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    let Error::ResponseTooLarge { status, limit, .. } = err else { panic!("{err:?}") };
    assert_eq!((status.as_u16(), limit), (503, 1024));
    assert_eq!(seen(&server).await, 3, "503 is retried for a GET; the body is read only at the end");
}

// --- the retry table, row by row (moved from the former retries suite: the rows faults.rs
// did not already cover) ------------------------------------------------------------------

/// A scripted error body.
fn error_body(id: &str) -> Value {
    json!({"id": id, "message": "scripted"})
}

/// Mounts `first` for one request, then the success response for the method.
async fn fail_once_then_succeed(server: &MockServer, verb: &str, first: ResponseTemplate) {
    Mock::given(method(verb)).respond_with(first).up_to_n_times(1).with_priority(1).mount(server).await;
    let status = if verb == "POST" { 201 } else { 200 };
    Mock::given(method(verb))
        .respond_with(ResponseTemplate::new(status).set_body_json(fixture_json("image_action_post_201.json")))
        .with_priority(2)
        .mount(server)
        .await;
}

#[tokio::test]
async fn get_is_retried_on_each_transient_status() {
    for status in [408u16, 429, 500, 502, 503, 504] {
        let server = MockServer::start().await;
        fail_once_then_succeed(&server, "GET", ResponseTemplate::new(status).set_body_json(error_body("x"))).await;
        let got = client_with(&server.uri(), fast(4)).image_actions().get(IMAGE, ACTION).await;
        let got = got.unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(got.attempts(), 2, "{status}");
        assert_eq!(seen(&server).await, 2, "{status}");
    }
}

#[tokio::test]
async fn get_is_not_retried_on_client_errors_or_501() {
    for status in [400u16, 401, 403, 404, 422, 501] {
        let server = MockServer::start().await;
        fail_once_then_succeed(&server, "GET", ResponseTemplate::new(status).set_body_json(error_body("x"))).await;
        let err = client_with(&server.uri(), fast(4)).image_actions().get(IMAGE, ACTION).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(seen(&server).await, 1, "{status}");
    }
}

#[tokio::test]
async fn a_retried_call_counts_its_attempts_and_returns_the_last_answer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_json(error_body("first")))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json("image_action_post_201.json")))
        .with_priority(2)
        .mount(&server)
        .await;
    let got = client_with(&server.uri(), fast(4)).image_actions().get(IMAGE, ACTION).await.unwrap();
    assert_eq!((got.attempts(), got.id.get()), (3, ACTION.get()));
    assert_eq!(seen(&server).await, 3);
}

// ------------------------------------------------------------------------- downloads

const INVOICE: &str = "22737513-0ea7-4206-8ceb-98a575af7681";

/// A body that is not JSON, larger than `max_response_bytes` and without `Content-Length`: the
/// hooks stop reading at the limit, and the stream still gives every byte, what they read first.
#[tokio::test]
async fn a_download_past_the_limit_streams_whole() {
    let chunk: Vec<u8> = (0..4096u32).map(|n| b'a' + (n % 26) as u8).collect();
    let total = 64 * chunk.len() as u64;
    let head = head(200, &[("content-type", "text/csv")]);
    let server = FaultyServer::always(Script::Stream { head, chunk: chunk.clone(), total }).await;
    let client = client_capped(server.uri(), 10_000);
    let response = client.billing().get_invoice_csv(INVOICE.into()).await.expect("the invoice");
    let body = response.into_inner().bytes().await.expect("every byte");
    assert_eq!(body.len() as u64, total);
    assert!(body.chunks(chunk.len()).all(|c| c == chunk.as_slice()), "the bytes in their order");
    assert_eq!(server.requests(), 1);
}

/// A download that breaks off (fewer bytes than its `Content-Length`, then the connection
/// closes) fails when read; it never reads as a shorter body that ended well.
#[tokio::test]
async fn a_download_that_breaks_off_fails_when_read() {
    let mut bytes = head(200, &[("content-type", "text/csv"), ("content-length", "1000")]);
    bytes.extend_from_slice(b"product,amount\nDroplets,");
    let server = FaultyServer::always(Script::Respond(bytes)).await;
    let client = client_with(server.uri(), fast(3));
    let outcome = match client.billing().get_invoice_csv(INVOICE.into()).await {
        Ok(response) => response.into_inner().bytes().await.map(|b| b.len()),
        Err(e) => Err(e),
    };
    let err = outcome.expect_err("a body cut short is an error");
    assert!(matches!(err, Error::Decode { .. } | Error::Transport { .. }), "{err:?}");
}
