//! `Client::request`: any call by method and path, its answer as JSON or bytes, sent through
//! the same pipeline as the typed calls (the token, the retry table, the body limit, the
//! error mapping), and only ever to the configured host.

use std::future::IntoFuture;
use std::time::Duration;

use digitalocean_sdk::{Client, Error, Method, RetryPolicy};
use serde_json::json;
use tests::TEST_TOKEN;
use wiremock::matchers::{any, body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Retries without real waits: 1 ms steps, no jitter.
fn fast(uri: &str, attempts: u32) -> Client {
    let policy = RetryPolicy::default().max_attempts(attempts).base_delay(Duration::from_millis(1)).jitter(false);
    tests::client_with(uri, policy)
}

async fn seen(server: &MockServer) -> usize {
    server.received_requests().await.expect("recording on").len()
}

#[tokio::test]
async fn a_get_gives_its_json_with_the_token_and_the_query_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/droplets"))
        .and(query_param("per_page", "200"))
        .and(query_param("tag_name", "web"))
        .and(header("authorization", format!("Bearer {TEST_TOKEN}").as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-1")
                .insert_header("ratelimit-limit", "5000")
                .insert_header("ratelimit-remaining", "4999")
                .insert_header("ratelimit-reset", "1700000000")
                .set_body_json(json!({"droplets": [{"id": 1, "name": "web-1", "new_field": {"x": 1}}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = tests::client(&server.uri());
    let page = client
        .request(Method::GET, "/v2/droplets")
        .query(&[("per_page", "200")])
        .query(&[("tag_name", "web")])
        .await
        .expect("sent and read");
    assert_eq!(page["droplets"][0]["new_field"]["x"], 1);
    assert_eq!(page.http_status().as_u16(), 200);
    assert_eq!(page.request_id(), Some("req-1"));
    assert_eq!(page.attempts(), 1);
    assert_eq!(page.rate_limit().map(|rl| rl.remaining), Some(4999));
    assert_eq!(client.rate_limit().map(|rl| rl.remaining), Some(4999), "recorded on the client");
}

#[tokio::test]
async fn a_post_sends_its_json_body() {
    let server = MockServer::start().await;
    let body = json!({"name": "example.com", "ip_address": "192.0.2.1"});
    Mock::given(method("POST"))
        .and(path("/v2/domains"))
        .and(header("content-type", "application/json"))
        .and(header("authorization", format!("Bearer {TEST_TOKEN}").as_str()))
        .and(body_json(&body))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"domain": {"name": "example.com"}})))
        .expect(1)
        .mount(&server)
        .await;
    let created =
        tests::client(&server.uri()).request(Method::POST, "/v2/domains").json(&body).send().await.expect("created");
    assert_eq!(created.http_status().as_u16(), 201);
    assert_eq!(created["domain"]["name"], "example.com");
}

#[tokio::test]
async fn a_get_is_retried_on_503_and_a_post_is_not() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).set_body_string("<html>busy</html>"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true}))).mount(&server).await;
    let answer = fast(&server.uri(), 3).request(Method::GET, "/v2/account").await.expect("retried");
    assert_eq!(answer.attempts(), 2);
    assert_eq!(answer["ok"], true);
    assert_eq!(seen(&server).await, 2);

    // A POST the server may have acted on is not sent again.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"id": "service_unavailable", "message": "busy"})))
        .mount(&server)
        .await;
    let err = fast(&server.uri(), 3)
        .request(Method::POST, "/v2/droplets")
        .json(&json!({"name": "web-1"}))
        .await
        .expect_err("a 503");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err:?}");
    assert_eq!(seen(&server).await, 1, "a POST is sent once");
}

#[tokio::test]
async fn an_error_status_is_the_api_s_error() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/droplets/1"))
        .respond_with(ResponseTemplate::new(404).insert_header("x-request-id", "req-404").set_body_json(json!({
            "id": "not_found",
            "message": "The resource you were accessing could not be found."
        })))
        .mount(&server)
        .await;
    let err = tests::client(&server.uri()).request(Method::GET, "/v2/droplets/1").await.expect_err("a 404");
    let api = err.api().unwrap_or_else(|| panic!("expected Error::Api, got {err:?}"));
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.id, "not_found");
    assert_eq!(api.message, "The resource you were accessing could not be found.");
    assert_eq!(api.request_id.as_deref(), Some("req-404"));
    assert!(err.is_not_found());
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_decode_error_holding_it() {
    let page = format!("<html>{} Bearer {TEST_TOKEN} the end</html>", "x".repeat(1000));
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(page.clone(), "text/html"))
        .mount(&server)
        .await;
    let err = fast(&server.uri(), 3).request(Method::GET, "/v2/account").await.expect_err("not JSON");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_eq!(err.body(), Some(page.replace(TEST_TOKEN, "<redacted>").as_str()));
    assert!(!err.to_string().contains("the end"), "{err}");
    assert_eq!(seen(&server).await, 1, "a success that does not decode is final");
}

#[tokio::test]
async fn bytes_are_given_as_they_came_and_no_body_is_null() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/customers/my/invoices/1/csv"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("a,b\n1,2\n", "text/csv"))
        .mount(&server)
        .await;
    Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = tests::client(&server.uri());
    let csv = client.request(Method::GET, "/v2/customers/my/invoices/1/csv").bytes().await.expect("read");
    assert_eq!(&csv[..], b"a,b\n1,2\n");
    let deleted = client.request(Method::DELETE, "/v2/domains/example.com").await.expect("deleted");
    assert_eq!(deleted.http_status().as_u16(), 204);
    assert!(deleted.is_null());
}

#[tokio::test]
async fn only_a_path_on_the_api_is_sent() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).mount(&server).await;
    let client = tests::client(&server.uri());
    let elsewhere = format!("{}/v2/account", server.uri());
    for path in [elsewhere.as_str(), "https://evil.example/v2/account", "v2/account", "//evil.example/v2/account", ""] {
        let err = client.request(Method::GET, path).await.expect_err("refused");
        assert!(matches!(err, Error::InvalidRequest(_)), "{path}: {err:?}");
        assert!(err.to_string().contains("nothing was sent"), "{err}");
    }
    let err = client.request(Method::from_bytes(b"PURGE").unwrap(), "/v2/account").await.expect_err("refused");
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert_eq!(seen(&server).await, 0, "nothing reached the server");
}

#[test]
fn its_futures_can_move_to_another_task() {
    fn send<T: Send>(value: T) -> T {
        value
    }
    let client = tests::client("http://127.0.0.1:9");
    drop(send(client.request(Method::GET, "/v2/account").into_future()));
    drop(send(client.request(Method::GET, "/v2/account").send()));
    drop(send(client.request(Method::GET, "/v2/account").bytes()));
}
