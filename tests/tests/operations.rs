//! Every operation against wiremock on loopback: what goes on the wire, and what comes back.

use digitalocean_sdk::{ActionId, ActionStatus, Error, ImageId};
use serde_json::{Value, json};
use tests::{TEST_TOKEN, client, fixture_json, only_request, with_rate_limit};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const IMAGE: ImageId = ImageId::new(7938269).unwrap();
const ACTION: ActionId = ActionId::new(36805527).unwrap();

fn action_body() -> Value {
    fixture_json("image_action_post_201.json")
}

fn header<'a>(r: &'a Request, name: &str) -> Option<&'a str> {
    r.headers.get(name).and_then(|v| v.to_str().ok())
}

fn assert_common_headers(r: &Request) {
    assert_eq!(header(r, "authorization"), Some(format!("Bearer {TEST_TOKEN}").as_str()));
    assert_eq!(header(r, "accept"), Some("application/json"));
    let ua = header(r, "user-agent").unwrap_or_default();
    assert!(ua.starts_with("digitalocean-sdk-rust/"), "user agent {ua}");
    assert_eq!(header(r, "api-version"), None, "a header the API does not use");
}

#[tokio::test]
async fn convert_sends_the_documented_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/images/7938269/actions"))
        .respond_with(with_rate_limit(ResponseTemplate::new(201).set_body_json(action_body())))
        .mount(&server)
        .await;
    let action = client(&server.uri()).image_actions().convert(IMAGE).await.unwrap();
    assert_eq!(action.id.get(), 36805527);
    assert_eq!(action.status, ActionStatus::InProgress);
    let rate_limit = action.rate_limit().expect("the rate limit");
    assert_eq!((rate_limit.limit, rate_limit.remaining, rate_limit.reset), (5000, 4321, 1_700_000_000));
    assert_eq!(action.request_id(), Some("req-from-header"));

    let r = only_request(&server).await;
    assert_common_headers(&r);
    assert_eq!(header(&r, "content-type"), Some("application/json"));
    assert_eq!(r.url.query(), None);
    assert_eq!(serde_json::from_slice::<Value>(&r.body).unwrap(), json!({"type": "convert"}));
}

#[tokio::test]
async fn transfer_sends_the_region() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/images/7938269/actions"))
        .respond_with(ResponseTemplate::new(201).set_body_json(action_body()))
        .mount(&server)
        .await;
    client(&server.uri()).image_actions().transfer(IMAGE, "nyc3").await.unwrap();
    let r = only_request(&server).await;
    assert_common_headers(&r);
    assert_eq!(header(&r, "content-type"), Some("application/json"));
    assert_eq!(std::str::from_utf8(&r.body).unwrap(), r#"{"type":"transfer","region":"nyc3"}"#);
}

#[tokio::test]
async fn get_reads_one_action() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/images/7938269/actions/36805527"))
        .respond_with(ResponseTemplate::new(200).set_body_json(action_body()))
        .mount(&server)
        .await;
    let action = client(&server.uri()).image_actions().get(IMAGE, ACTION).await.unwrap();
    assert_eq!(action.into_inner(), serde_json::from_value(action_body()["action"].clone()).unwrap());
    let r = only_request(&server).await;
    assert_common_headers(&r);
    assert_eq!(r.method.as_str(), "GET");
    assert!(r.body.is_empty());
    assert_eq!(header(&r, "content-type"), None);
}

#[tokio::test]
async fn list_sends_page_and_per_page() {
    let server = MockServer::start().await;
    let page = json!({"actions": [action_body()["action"]], "links": {}, "meta": {"total": 1}});
    Mock::given(method("GET"))
        .and(path("/v2/images/7938269/actions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .mount(&server)
        .await;
    let got = client(&server.uri()).image_actions().list(IMAGE).per_page(50).page(2).await.unwrap();
    assert_eq!(got.actions.len(), 1);
    assert_eq!(got.meta.total, 1);
    let r = only_request(&server).await;
    assert_common_headers(&r);
    let mut query: Vec<(String, String)> = r.url.query_pairs().into_owned().collect();
    query.sort();
    assert_eq!(query, [("page".to_owned(), "2".to_owned()), ("per_page".to_owned(), "50".to_owned())]);
}

/// Each documented error status, and two undocumented ones, come back typed.
#[tokio::test]
async fn error_statuses_are_typed() {
    let cases = [
        (401, "error_401_unauthorized.json"),
        (404, "error_404_not_found.json"),
        (429, "error_429_too_many_requests.json"),
        (500, "error_500_server_error.json"),
        (403, "error_default_unexpected.json"),
        (422, "error_default_unexpected.json"),
        (503, "error_default_unexpected.json"),
    ];
    for (status, file) in cases {
        let server = MockServer::start().await;
        let body = fixture_json(file);
        Mock::given(method("GET"))
            .respond_with(with_rate_limit(ResponseTemplate::new(status).set_body_json(&body)))
            .mount(&server)
            .await;
        let err = client(&server.uri()).image_actions().get(IMAGE, ACTION).await.unwrap_err();
        let Error::Api(api) = &err else { panic!("{status}: not an API error: {err:?}") };
        assert_eq!(api.status.as_u16(), status);
        assert_eq!(api.id, body["id"].as_str().unwrap());
        assert_eq!(api.message, body["message"].as_str().unwrap());
        assert_eq!(api.request_id.as_deref(), Some("req-from-header"), "{status}: from the header");
        assert_eq!(api.rate_limit.map(|r| r.remaining), Some(4321));
        assert!(err.to_string().contains(&api.message), "{err}");
        assert!(!format!("{err} {err:?}").contains(TEST_TOKEN));
    }
}

#[tokio::test]
async fn request_id_in_the_body_wins_over_the_header() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(with_rate_limit(
            ResponseTemplate::new(404)
                .set_body_json(json!({"id": "not_found", "message": "gone", "request_id": "req-from-body"})),
        ))
        .mount(&server)
        .await;
    let err = client(&server.uri()).image_actions().convert(IMAGE).await.unwrap_err();
    assert_eq!(err.request_id(), Some("req-from-body"));
    assert!(err.is_not_found());
}

#[tokio::test]
async fn unknown_status_type_and_extra_fields_decode() {
    let server = MockServer::start().await;
    let mut body = action_body();
    body["action"]["status"] = json!("queued");
    body["action"]["type"] = json!("defragment");
    body["action"]["new_field"] = json!([1, 2, 3]);
    body["also_new"] = json!(true);
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&server).await;
    let action = client(&server.uri()).image_actions().get(IMAGE, ACTION).await.unwrap();
    assert_eq!(action.status, ActionStatus::Unknown("queued".into()));
    assert_eq!(action.type_, "defragment");
}
