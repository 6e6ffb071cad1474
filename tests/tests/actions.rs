//! The account's actions: `client.actions()` list, get and wait against wiremock on loopback.
//!
//! Upstream documents no example payload for `/v2/actions` or `/v2/actions/{action_id}` (see
//! `fixtures/actions/README.md`); an action there has the same schema as an image's, so these
//! tests use the documented image-action example.

use std::time::Duration;

use digitalocean_sdk::types::ActionPage;
use digitalocean_sdk::{ActionId, ActionStatus, Error, WaitEvent};
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use tests::{TEST_TOKEN, client, fixture_json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const ACTION: ActionId = ActionId::new(36805527).unwrap();

fn action(id: u64, status: &str, resource_type: &str) -> Value {
    let mut a = fixture_json("image_action_post_201.json")["action"].clone();
    a["id"] = json!(id);
    a["status"] = json!(status);
    a["resource_type"] = json!(resource_type);
    a
}

fn sorted_query(r: &Request) -> Vec<(String, String)> {
    let mut query: Vec<(String, String)> = r.url.query_pairs().into_owned().collect();
    query.sort();
    query
}

#[tokio::test]
async fn get_reads_any_action() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/actions/36805527"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"action": action(36805527, "completed", "droplet")})),
        )
        .mount(&server)
        .await;
    let got = client(&server.uri()).actions().get(ACTION).await.unwrap();
    assert_eq!(got.id.get(), 36805527);
    assert_eq!(got.status, ActionStatus::Completed);
    assert_eq!(got.resource_type, "droplet");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.headers.get("authorization").unwrap().to_str().unwrap(), format!("Bearer {TEST_TOKEN}"));
    assert!(r.body.is_empty() && r.url.query().is_none());
}

#[tokio::test]
async fn a_body_without_the_action_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(action(36805527, "completed", "image")))
        .mount(&server)
        .await;
    let err = client(&server.uri()).actions().get(ACTION).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn list_page_sends_page_and_per_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/actions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "actions": [action(1, "completed", "droplet"), action(2, "errored", "volume")],
            "links": {},
            "meta": {"total": 2}
        })))
        .mount(&server)
        .await;
    let page = client(&server.uri()).actions().list().per_page(100).page(4).await.unwrap();
    assert_eq!(page.actions.len(), 2);
    assert_eq!(page.actions[1].status, ActionStatus::Errored);
    let r = &server.received_requests().await.unwrap()[0];
    assert_eq!(sorted_query(r), [("page".to_owned(), "4".to_owned()), ("per_page".to_owned(), "100".to_owned())]);
}

/// Three pages of the account's actions, read as one stream.
#[tokio::test]
async fn stream_walks_three_pages() {
    let server = MockServer::start().await;
    let base = server.uri();
    for n in 1..=3u64 {
        let links =
            if n < 3 { json!({"pages": {"next": format!("{base}/v2/actions?page={}", n + 1)}}) } else { json!({}) };
        let body = json!({
            "actions": [action(10 * n, "completed", "droplet"), action(10 * n + 1, "in-progress", "image")],
            "links": links,
            "meta": {"total": 6}
        });
        Mock::given(method("GET"))
            .and(path("/v2/actions"))
            .and(query_param("page", n.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let ids: Vec<u64> = client(&base).actions().list().stream().map_ok(|a| a.id.get()).try_collect().await.unwrap();
    assert_eq!(ids, [10, 11, 20, 21, 30, 31]);
    let pages: Vec<_> = server.received_requests().await.unwrap().iter().map(sorted_query).collect();
    assert_eq!(pages, (1..=3).map(|n| vec![("page".to_owned(), n.to_string())]).collect::<Vec<_>>());
}

/// A server that claims a next page but sends none ends the stream instead of looping.
#[tokio::test]
async fn an_empty_page_ends_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/actions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "actions": [], "links": {"pages": {"next": "http://127.0.0.1/v2/actions?page=2"}}, "meta": {"total": 9}
        })))
        .mount(&server)
        .await;
    // Bounded, so that a regression fails here instead of hanging the run.
    let all = tokio::time::timeout(Duration::from_secs(10), client(&server.uri()).actions().list().collect())
        .await
        .expect("the stream ended")
        .unwrap();
    assert!(all.is_empty());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// A failing page ends the stream with that error, after the items already read.
#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "actions": [action(1, "completed", "droplet")], "links": {"pages": {"next": "x"}}, "meta": {"total": 2}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(401).set_body_json(fixture_json("error_401_unauthorized.json")))
        .mount(&server)
        .await;
    let items: Vec<Result<_, Error>> = client(&server.uri()).actions().list().stream().collect().await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap().id.get(), 1);
    let Err(Error::Api(api)) = &items[1] else { panic!("{:?}", items[1]) };
    assert_eq!((api.status.as_u16(), api.id.as_str()), (401, "unauthorized"));
}

#[tokio::test]
async fn error_statuses_are_typed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/actions/36805527"))
        .respond_with(ResponseTemplate::new(404).set_body_json(fixture_json("error_404_not_found.json")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/actions"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "7")
                .set_body_json(fixture_json("error_429_too_many_requests.json")),
        )
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let err = c.actions().get(ACTION).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    let err = c.actions().list().page(1).await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!((api.status.as_u16(), api.id.as_str()), (429, "too_many_requests"));
    assert_eq!(api.retry_after, Some(Duration::from_secs(7)));
}

/// `actions().wait` polls the account-wide route until the action completes.
#[tokio::test]
async fn wait_polls_the_account_route() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/actions/36805527"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"action": action(36805527, "in-progress", "droplet")})),
        )
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/actions/36805527"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"action": action(36805527, "completed", "droplet")})),
        )
        .mount(&server)
        .await;
    let events: Vec<WaitEvent> = client(&server.uri())
        .actions()
        .wait(ACTION)
        .poll_interval(Duration::from_millis(1))
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(events.len(), 3);
    let WaitEvent::Completed(done) = &events[2] else { panic!("{events:?}") };
    assert_eq!(done.status, ActionStatus::Completed);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.url.path() == "/v2/actions/36805527"));
}

#[tokio::test]
async fn wait_reports_an_errored_action_as_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/actions/36805527"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"action": action(36805527, "errored", "droplet")})),
        )
        .mount(&server)
        .await;
    let err = client(&server.uri()).actions().wait(ACTION).await.unwrap_err();
    let Error::ActionErrored(action) = err else { panic!("{err:?}") };
    assert_eq!(action.id.get(), 36805527);
}

/// The generated page type is the same for the account's list and an image's list.
#[test]
fn the_page_type_is_shared_with_image_actions() {
    let page: ActionPage = serde_json::from_value(json!({
        "actions": [action(1, "completed", "image")], "meta": {"total": 1}
    }))
    .unwrap();
    assert_eq!(page.actions[0].resource_type, "image");
    // `null` and absence are one (the guide's rule): a page without its list is an empty page.
    for empty in [json!({"meta": {"total": 0}}), json!({"actions": null, "meta": {"total": 0}})] {
        let page: ActionPage = serde_json::from_value(empty).unwrap();
        assert!(page.actions.is_empty());
    }
}
