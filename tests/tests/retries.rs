//! Each row of the retry table, counting the requests the server saw.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use digitalocean_sdk::{ActionId, Error, ImageId, RetryPolicy};
use serde_json::json;
use tests::{client_with, fixture_json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const IMAGE: ImageId = ImageId::new(7938269).unwrap();
const ACTION: ActionId = ActionId::new(36805527).unwrap();

fn fast() -> RetryPolicy {
    RetryPolicy::default().base_delay(Duration::from_millis(1)).jitter(false)
}

fn error_body(id: &str) -> serde_json::Value {
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

async fn seen(server: &MockServer) -> usize {
    server.received_requests().await.map(|r| r.len()).unwrap_or(0)
}

#[tokio::test]
async fn get_is_retried_on_each_transient_status() {
    for status in [408u16, 429, 500, 502, 503, 504] {
        let server = MockServer::start().await;
        fail_once_then_succeed(&server, "GET", ResponseTemplate::new(status).set_body_json(error_body("x"))).await;
        let got = client_with(&server.uri(), fast()).image_actions().get(IMAGE, ACTION).await;
        let got = got.unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(got.attempts(), 2, "{status}");
        assert_eq!(seen(&server).await, 2, "{status}");
    }
}

#[tokio::test]
async fn get_is_retried_on_an_html_502() {
    let server = MockServer::start().await;
    let html = ResponseTemplate::new(502).set_body_raw("<html><body>Bad Gateway</body></html>", "text/html");
    fail_once_then_succeed(&server, "GET", html).await;
    let got = client_with(&server.uri(), fast()).image_actions().get(IMAGE, ACTION).await.unwrap();
    assert_eq!(got.attempts(), 2);
    assert_eq!(seen(&server).await, 2);
}

#[tokio::test]
async fn get_is_not_retried_on_client_errors_or_501() {
    for status in [400u16, 401, 403, 404, 422, 501] {
        let server = MockServer::start().await;
        fail_once_then_succeed(&server, "GET", ResponseTemplate::new(status).set_body_json(error_body("x"))).await;
        let err = client_with(&server.uri(), fast()).image_actions().get(IMAGE, ACTION).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(seen(&server).await, 1, "{status}");
    }
}

#[tokio::test]
async fn post_is_retried_on_429() {
    let server = MockServer::start().await;
    let limited =
        ResponseTemplate::new(429).set_body_json(error_body("too_many_requests")).insert_header("retry-after", "0");
    fail_once_then_succeed(&server, "POST", limited).await;
    let got = client_with(&server.uri(), fast()).image_actions().convert(IMAGE).await.unwrap();
    assert_eq!(got.attempts(), 2);
    assert_eq!(seen(&server).await, 2);
}

#[tokio::test]
async fn post_is_never_retried_on_5xx() {
    for status in [500u16, 502, 503, 504] {
        let server = MockServer::start().await;
        fail_once_then_succeed(
            &server,
            "POST",
            ResponseTemplate::new(status).set_body_json(error_body("server_error")),
        )
        .await;
        let err = client_with(&server.uri(), fast()).image_actions().transfer(IMAGE, "nyc3").await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(seen(&server).await, 1, "{status}: a transfer must never start twice");
    }
}

#[tokio::test]
async fn post_is_retried_when_the_connection_is_refused() {
    // Bind then drop a listener: the port is then (almost certainly) closed, so every attempt
    // is refused before anything is sent, which is safe to retry even for a POST.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let policy = fast().max_attempts(3);
    let started = Instant::now();
    let err =
        client_with(&format!("http://127.0.0.1:{port}"), policy).image_actions().convert(IMAGE).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn attempts_are_bounded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_json(error_body("unavailable")))
        .mount(&server)
        .await;
    let err = client_with(&server.uri(), fast().max_attempts(3)).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(seen(&server).await, 3);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = MockServer::start().await;
    let limited =
        ResponseTemplate::new(429).set_body_json(error_body("too_many_requests")).insert_header("retry-after", "1");
    fail_once_then_succeed(&server, "GET", limited).await;
    let started = Instant::now();
    client_with(&server.uri(), fast()).image_actions().get(IMAGE, ACTION).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(950), "waited only {:?}", started.elapsed());
    assert_eq!(seen(&server).await, 2);
}

#[tokio::test]
async fn ratelimit_reset_is_honoured_when_nothing_is_left() {
    let server = MockServer::start().await;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let limited = ResponseTemplate::new(429)
        .set_body_json(error_body("too_many_requests"))
        .insert_header("ratelimit-limit", "5000")
        .insert_header("ratelimit-remaining", "0")
        .insert_header("ratelimit-reset", (now + 2).to_string().as_str());
    fail_once_then_succeed(&server, "GET", limited).await;
    let started = Instant::now();
    client_with(&server.uri(), fast()).image_actions().get(IMAGE, ACTION).await.unwrap();
    // The reset is a whole second ahead of `now`, which itself may be up to a second old.
    assert!(started.elapsed() >= Duration::from_millis(900), "waited only {:?}", started.elapsed());
    assert_eq!(seen(&server).await, 2);
}

#[tokio::test]
async fn a_wait_longer_than_allowed_returns_the_error_at_once() {
    let server = MockServer::start().await;
    let limited =
        ResponseTemplate::new(429).set_body_json(error_body("too_many_requests")).insert_header("retry-after", "3600");
    fail_once_then_succeed(&server, "GET", limited).await;
    let policy = fast().max_retry_wait(Duration::from_secs(5));
    let started = Instant::now();
    let err = client_with(&server.uri(), policy).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(err.api().and_then(|a| a.retry_after), Some(Duration::from_secs(3600)));
    assert!(err.to_string().contains("retry after 3600 s"), "{err}");
    assert_eq!(seen(&server).await, 1);
}

#[tokio::test]
async fn the_deadline_stops_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_json(error_body("server_error")))
        .mount(&server)
        .await;
    // Waits of 200 ms, 400 ms, ...: the second retry would start after the 300 ms deadline.
    let policy = RetryPolicy::default()
        .max_attempts(10)
        .base_delay(Duration::from_millis(200))
        .max_delay(Duration::from_millis(200))
        .jitter(false)
        .deadline(Some(Duration::from_millis(300)));
    let err = client_with(&server.uri(), policy).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(seen(&server).await, 2);
}

// A generated builder used on its own has no SDK call around it to build the request again:
// the hooks keep a copy of the request and make the attempts themselves, by the same table.

#[tokio::test]
async fn a_generated_builder_on_its_own_is_retried_too() {
    let server = MockServer::start().await;
    fail_once_then_succeed(&server, "GET", ResponseTemplate::new(503).set_body_json(error_body("x"))).await;
    let client = client_with(&server.uri(), fast());
    let got = client.image_actions_get().image_id(IMAGE.get()).action_id(ACTION.get()).send().await;
    assert_eq!(got.unwrap().status(), 200);
    assert_eq!(seen(&server).await, 2);
}

#[tokio::test]
async fn a_generated_builder_on_its_own_keeps_the_post_rules() {
    let server = MockServer::start().await;
    fail_once_then_succeed(&server, "POST", ResponseTemplate::new(500).set_body_json(error_body("x"))).await;
    let client = client_with(&server.uri(), fast());
    let body = digitalocean_sdk::types::ImageAction::Convert;
    let got = client.image_actions_post().image_id(IMAGE.get()).body(body.clone()).send().await;
    assert!(got.is_err(), "a POST answered 500 is not sent again");
    assert_eq!(seen(&server).await, 1);

    let server = MockServer::start().await;
    fail_once_then_succeed(&server, "POST", ResponseTemplate::new(429).set_body_json(error_body("too_many"))).await;
    let client = client_with(&server.uri(), fast());
    let got = client.image_actions_post().image_id(IMAGE.get()).body(body).send().await;
    assert_eq!(got.unwrap().status(), 201);
    assert_eq!(seen(&server).await, 2);
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
    let got = client_with(&server.uri(), fast()).image_actions().get(IMAGE, ACTION).await.unwrap();
    assert_eq!((got.attempts(), got.id.get()), (3, ACTION.get()));
    assert_eq!(seen(&server).await, 3);
}
