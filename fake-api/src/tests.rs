//! Tests of the fake itself: the logic through `handle` without a socket, and the wire through
//! reqwest on loopback.

use std::time::Duration;

use serde_json::{Value, json};

use crate::handle::{Body, Incoming, Reply, handle};
use crate::state::{Finish, FinishWhen, Outcome, RateWindow, State};
use crate::{FakeApi, Fault, Route};

const IMAGE: u64 = 7938269;

fn state(finish: Finish) -> State {
    let mut s = State::new(finish, RateWindow::new(5000, Duration::from_secs(3600)), 100);
    s.base_url = "http://127.0.0.1:1".into();
    s.images.insert(IMAGE);
    s
}

fn completes_on(polls: u32) -> State {
    state(Finish { when: FinishWhen::Polls(polls), outcome: Outcome::Completed })
}

fn call(s: &mut State, method: &str, path: &str, query: Option<&str>, body: &str) -> Reply {
    let req = Incoming { method, path, query, authorization: Some("Bearer t"), body: body.as_bytes() };
    handle(s, &req)
}

fn json(reply: &Reply) -> &Value {
    match &reply.body {
        Body::Json(v) => v,
        Body::Html(h) => panic!("expected JSON, got HTML {h}"),
    }
}

fn post(s: &mut State, body: &str) -> Reply {
    call(s, "POST", "/v2/images/7938269/actions", None, body)
}

fn get(s: &mut State, action: u64) -> Reply {
    call(s, "GET", &format!("/v2/images/7938269/actions/{action}"), None, "")
}

#[test]
fn convert_starts_an_action_shaped_like_the_documented_one() {
    let mut s = completes_on(3);
    let r = post(&mut s, r#"{"type":"convert"}"#);
    assert_eq!(r.status, 201);
    let a = &json(&r)["action"];
    assert_eq!(a["id"], 100);
    assert_eq!(a["status"], "in-progress");
    assert_eq!(a["type"], "convert");
    assert_eq!(a["completed_at"], Value::Null);
    assert_eq!(a["resource_id"], IMAGE);
    assert_eq!(a["resource_type"], "image");
    assert_eq!(a["region_slug"], "nyc3");
    assert_eq!(a["region"]["name"], "New York 3");
    assert_eq!(a["region"]["available"], true);
    assert!(a["region"]["features"].as_array().unwrap().contains(&json!("image_transfer")));
    let started = a["started_at"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(started).is_ok() && started.ends_with('Z'), "{started}");
    let keys: Vec<&String> = a.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 9, "exactly the documented fields: {keys:?}");
}

#[test]
fn ids_increase_and_transfer_keeps_its_region() {
    let mut s = completes_on(3);
    post(&mut s, r#"{"type":"convert"}"#);
    let r = post(&mut s, r#"{"type":"transfer","region":"ams3"}"#);
    assert_eq!(r.status, 201);
    let a = &json(&r)["action"];
    assert_eq!((a["id"].as_u64(), a["type"].as_str()), (Some(101), Some("transfer")));
    assert_eq!((a["region_slug"].as_str(), a["region"]["slug"].as_str()), (Some("ams3"), Some("ams3")));
}

#[test]
fn bad_bodies_get_422_or_400_and_start_nothing() {
    let mut s = completes_on(3);
    for body in [r#"{"type":"transfer"}"#, r#"{"type":"resize"}"#, r#"{}"#, r#"{"type":"transfer","region":"mars1"}"#] {
        let r = post(&mut s, body);
        assert_eq!(r.status, 422, "{body}");
        assert_eq!(json(&r)["id"], "unprocessable_entity");
        assert!(json(&r)["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert_eq!(post(&mut s, "not json").status, 400);
    assert!(s.actions.is_empty());
}

#[test]
fn an_action_completes_on_the_configured_poll() {
    let mut s = completes_on(3);
    post(&mut s, r#"{"type":"convert"}"#);
    let statuses: Vec<String> = (0..4).map(|_| json(&get(&mut s, 100))["action"]["status"].to_string()).collect();
    assert_eq!(statuses, [r#""in-progress""#, r#""in-progress""#, r#""completed""#, r#""completed""#]);
    let done = get(&mut s, 100);
    assert!(json(&done)["action"]["completed_at"].as_str().is_some());
}

#[test]
fn an_action_can_error_instead() {
    let mut s = state(Finish { when: FinishWhen::Polls(2), outcome: Outcome::Errored });
    post(&mut s, r#"{"type":"convert"}"#);
    assert_eq!(json(&get(&mut s, 100))["action"]["status"], "in-progress");
    assert_eq!(json(&get(&mut s, 100))["action"]["status"], "errored");
}

#[test]
fn an_action_completes_after_the_configured_time() {
    let mut s = state(Finish { when: FinishWhen::Elapsed(Duration::from_millis(40)), outcome: Outcome::Completed });
    post(&mut s, r#"{"type":"convert"}"#);
    assert_eq!(json(&get(&mut s, 100))["action"]["status"], "in-progress");
    std::thread::sleep(Duration::from_millis(60));
    // A list read brings it up to date too.
    let listed = call(&mut s, "GET", "/v2/images/7938269/actions", None, "");
    assert_eq!(json(&listed)["actions"][0]["status"], "completed");
}

#[test]
fn unknown_image_or_action_is_the_documented_404() {
    let mut s = completes_on(3);
    post(&mut s, r#"{"type":"convert"}"#);
    let expected = json!({"id":"not_found","message":"The resource you requested could not be found."});
    for (method, path) in [
        ("GET", "/v2/images/1/actions"),
        ("POST", "/v2/images/1/actions"),
        ("GET", "/v2/images/1/actions/100"),
        ("GET", "/v2/images/7938269/actions/999"),
        ("GET", "/v2/images/0/actions"),
        ("GET", "/v2/droplets"),
    ] {
        let r = call(&mut s, method, path, None, r#"{"type":"convert"}"#);
        assert_eq!((r.status, json(&r)), (404, &expected), "{method} {path}");
    }
    assert_eq!(s.actions.len(), 1, "the POST to an unknown image started nothing");
}

#[test]
fn every_image_exists_in_demo_mode() {
    let mut s = completes_on(3);
    s.every_image_exists = true;
    assert_eq!(call(&mut s, "GET", "/v2/images/42/actions", None, "").status, 200);
    assert_eq!(call(&mut s, "GET", "/v2/images/0/actions", None, "").status, 404);
}

#[test]
fn paging_links_and_total() {
    let mut s = completes_on(3);
    for _ in 0..5 {
        post(&mut s, r#"{"type":"convert"}"#);
    }
    let page = |s: &mut State, q: &str| call(s, "GET", "/v2/images/7938269/actions", Some(q), "");
    let base = "http://127.0.0.1:1/v2/images/7938269/actions";

    let first = page(&mut s, "page=1&per_page=2");
    let body = json(&first);
    assert_eq!(body["meta"]["total"], 5);
    let ids: Vec<u64> = body["actions"].as_array().unwrap().iter().map(|a| a["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, [104, 103], "newest first");
    assert_eq!(
        body["links"]["pages"],
        json!({"next": format!("{base}?page=2&per_page=2"), "last": format!("{base}?page=3&per_page=2")})
    );

    let middle = page(&mut s, "page=2&per_page=2");
    assert_eq!(
        json(&middle)["links"]["pages"],
        json!({
            "first": format!("{base}?page=1&per_page=2"),
            "prev": format!("{base}?page=1&per_page=2"),
            "next": format!("{base}?page=3&per_page=2"),
            "last": format!("{base}?page=3&per_page=2"),
        })
    );

    let last = page(&mut s, "page=3&per_page=2");
    assert_eq!(json(&last)["actions"].as_array().unwrap().len(), 1);
    assert!(json(&last)["links"]["pages"].get("next").is_none());

    let single = page(&mut s, "per_page=20");
    assert_eq!(json(&single)["links"], json!({}));
    assert_eq!(page(&mut s, "page=0").status, 400);
    assert_eq!(page(&mut s, "per_page=x").status, 400);
}

#[test]
fn authentication() {
    let mut s = completes_on(3);
    s.token = Some("right".into());
    let with = |s: &mut State, auth: Option<&str>| {
        let req =
            Incoming { method: "GET", path: "/v2/images/7938269/actions", query: None, authorization: auth, body: b"" };
        handle(s, &req)
    };
    let unauthorized = json!({"id":"unauthorized","message":"Unable to authenticate you."});
    for auth in [None, Some("Bearer wrong"), Some("right"), Some("Bearer ")] {
        let r = with(&mut s, auth);
        assert_eq!((r.status, json(&r)), (401, &unauthorized), "{auth:?}");
    }
    assert_eq!(with(&mut s, Some("Bearer right")).status, 200);
    s.token = None;
    assert_eq!(with(&mut s, Some("Bearer anything")).status, 200);
    assert_eq!(with(&mut s, None).status, 401);
    assert_eq!(with(&mut s, Some("Bearer ")).status, 401, "an empty token is no token");
}

#[test]
fn rate_limit_counts_down_and_runs_out() {
    let mut s = completes_on(3);
    s.rate = RateWindow::new(2, Duration::from_secs(60));
    let a = call(&mut s, "GET", "/v2/images/7938269/actions", None, "");
    let b = call(&mut s, "GET", "/v2/images/7938269/actions", None, "");
    let c = call(&mut s, "GET", "/v2/images/7938269/actions", None, "");
    assert_eq!((a.rate.limit, a.rate.remaining, b.rate.remaining), (2, 1, 0));
    assert_eq!((a.status, b.status, c.status), (200, 200, 429));
    assert_eq!(json(&c)["id"], "too_many_requests");
    // Until the window's reset, give or take the rounding to whole seconds.
    assert!(c.retry_after.is_some_and(|s| (59..=61).contains(&s)), "{:?}", c.retry_after);
    assert_ne!(a.request_id, b.request_id);
}

#[test]
fn faults_are_served_in_order_and_per_route() {
    let mut s = completes_on(3);
    s.faults.push_back((Some(Route::Post), Fault::ServiceUnavailable));
    s.faults.push_back((None, Fault::TooManyRequests { retry_after: Duration::from_millis(1500) }));
    s.faults.push_back((None, Fault::BadGatewayHtml));

    let r = call(&mut s, "GET", "/v2/images/7938269/actions", None, "");
    assert_eq!((r.status, r.retry_after, r.rate.remaining), (429, Some(2), 0));
    let r = call(&mut s, "GET", "/v2/images/7938269/actions", None, "");
    assert_eq!(r.status, 502);
    assert!(matches!(r.body, Body::Html(h) if h.contains("502 Bad Gateway")));
    let r = call(&mut s, "GET", "/v2/images/7938269/actions", None, "");
    assert_eq!(r.status, 200, "the POST fault waits for a POST");
    let r = post(&mut s, r#"{"type":"convert"}"#);
    assert_eq!((r.status, json(&r)["id"].as_str()), (503, Some("service_unavailable")));
    assert!(s.actions.is_empty(), "a refused request starts nothing");
    assert!(s.faults.is_empty());
}

#[test]
fn server_error_after_acting_creates_the_action() {
    let mut s = completes_on(3);
    s.faults.push_back((None, Fault::ServerErrorAfterActing));
    s.faults.push_back((None, Fault::ServerError));
    let r = post(&mut s, r#"{"type":"convert"}"#);
    assert_eq!((r.status, json(&r)["id"].as_str()), (500, Some("server_error")));
    assert_eq!(s.actions.len(), 1);
    post(&mut s, r#"{"type":"convert"}"#);
    assert_eq!(s.actions.len(), 1, "a plain 500 starts nothing");
}

#[test]
fn slow_answers_normally_after_the_delay() {
    let mut s = completes_on(3);
    s.faults.push_back((None, Fault::Slow(Duration::from_millis(250))));
    let r = post(&mut s, r#"{"type":"convert"}"#);
    assert_eq!((r.status, r.delay), (201, Some(Duration::from_millis(250))));
}

#[test]
fn requests_are_recorded() {
    let mut s = completes_on(3);
    post(&mut s, r#"{"type":"convert"}"#);
    get(&mut s, 100);
    call(&mut s, "GET", "/v2/images/7938269/actions", Some("page=2"), "");
    let seen: Vec<(Route, u16, Option<u64>)> = s.seen.iter().map(|r| (r.route, r.status, r.action)).collect();
    assert_eq!(seen, [(Route::Post, 201, None), (Route::Get, 200, Some(100)), (Route::List, 200, None)]);
    assert_eq!(s.seen[2].query.as_deref(), Some("page=2"));
}

// On the wire: headers, content types and the delay, through a real HTTP client.

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

#[tokio::test]
async fn every_response_carries_the_rate_limit_and_request_id() {
    let fake = FakeApi::builder().image(IMAGE).fault(Fault::BadGatewayHtml).start().await;
    let url = format!("{}/v2/images/{IMAGE}/actions", fake.uri());
    let http = http();
    let mut remaining = Vec::new();
    for expected_status in [502, 200, 401] {
        let mut req = http.get(&url);
        if expected_status != 401 {
            req = req.bearer_auth("t");
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status().as_u16(), expected_status);
        let h = r.headers();
        let header = |n: &str| h.get(n).and_then(|v| v.to_str().ok()).map(str::to_owned);
        assert_eq!(header("ratelimit-limit").as_deref(), Some("5000"));
        assert!(header("ratelimit-reset").and_then(|v| v.parse::<u64>().ok()).is_some());
        assert!(header("x-request-id").is_some());
        let content_type = header("content-type").unwrap_or_default();
        assert_eq!(content_type.starts_with("text/html"), expected_status == 502, "{content_type}");
        remaining.push(header("ratelimit-remaining").unwrap());
    }
    assert_eq!(remaining, ["4999", "4998", "4997"]);
    assert_eq!(fake.rate_limit_remaining(), 4997);
    assert_eq!(fake.count(Route::List), 3);
}

#[tokio::test]
async fn too_many_requests_sends_retry_after() {
    let fake = FakeApi::start().await;
    fake.push_fault(Fault::TooManyRequests { retry_after: Duration::from_secs(3) });
    let r = http().get(format!("{}/v2/images/{IMAGE}/actions", fake.uri())).bearer_auth("t").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers()["retry-after"], "3");
    assert_eq!(r.headers()["ratelimit-remaining"], "0");
}

#[tokio::test]
async fn slow_fault_delays_the_answer() {
    let fake = FakeApi::start().await;
    fake.push_fault(Fault::Slow(Duration::from_millis(300)));
    let client = http();
    let url = format!("{}/v2/images/{IMAGE}/actions", fake.uri());
    let quick = client.get(&url).bearer_auth("t").timeout(Duration::from_millis(100)).send().await;
    assert!(quick.is_err_and(|e| e.is_timeout()));
    let after = client.get(&url).bearer_auth("t").timeout(Duration::from_millis(100)).send().await;
    assert_eq!(after.unwrap().status().as_u16(), 200, "only the one request is slow");
}

#[tokio::test]
async fn builder_seeds_images_and_past_actions() {
    let fake = FakeApi::builder().past_actions(5, 2).past_action(6, 900).image(7).start().await;
    let ids = |image| fake.actions(image).iter().map(|a| a["id"].as_u64().unwrap()).collect::<Vec<_>>();
    assert_eq!(ids(5), [FIRST, FIRST + 1].into_iter().rev().collect::<Vec<_>>());
    assert_eq!(ids(6), [900]);
    assert!(ids(7).is_empty());
    assert_eq!(fake.action(900).unwrap()["status"], "completed");
    let r = http()
        .post(format!("{}/v2/images/7/actions", fake.uri()))
        .bearer_auth("t")
        .json(&json!({"type": "convert"}))
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["action"]["id"], FIRST + 2, "new ids are larger than every seeded one");
}

const FIRST: u64 = crate::FIRST_ACTION_ID;
