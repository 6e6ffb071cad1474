//! Waiting on an operation that answers with an action: a droplet action started with
//! `client.droplet_actions().post(..)` and waited on with `.wait()`, against wiremock on
//! loopback. The request that starts the action is sent once; the wait only reads
//! `GET /v2/actions/{action_id}`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use digitalocean_sdk::types::DropletActionsPostBody;
use digitalocean_sdk::{ActionStatus, Error};
use serde_json::{Value, json};
use tests::{client, fixture_json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DROPLET: digitalocean_sdk::DropletId = digitalocean_sdk::DropletId::new(3164444).unwrap();
const ACTION: u64 = 36804636;

fn action(status: &str) -> Value {
    let mut a = fixture_json("image_action_post_201.json")["action"].clone();
    a["id"] = json!(ACTION);
    a["status"] = json!(status);
    a["resource_type"] = json!("droplet");
    a["resource_id"] = json!(DROPLET.get());
    json!({ "action": a })
}

/// A server where the POST starts the action (answering it `in-progress`) and the action's
/// route answers `polls` in order, the last one for every later poll.
async fn server(polls: &[&str]) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/droplets/3164444/actions"))
        .respond_with(ResponseTemplate::new(201).set_body_json(action("in-progress")))
        .mount(&server)
        .await;
    let (last, first) = polls.split_last().expect("at least one answer");
    // wiremock tries the mocks of higher priority (a lower number) first, each until spent.
    for (i, status) in first.iter().enumerate() {
        Mock::given(method("GET"))
            .and(path(format!("/v2/actions/{ACTION}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(action(status)))
            .up_to_n_times(1)
            .with_priority(u8::try_from(i + 1).expect("few answers"))
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(format!("/v2/actions/{ACTION}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(action(last)))
        .with_priority(100)
        .mount(&server)
        .await;
    server
}

/// The requests the server received, as `METHOD path`.
async fn requests(server: &MockServer) -> Vec<String> {
    let received = server.received_requests().await.expect("recording is on");
    received.iter().map(|r| format!("{} {}", r.method, r.url.path())).collect()
}

#[tokio::test]
async fn a_started_action_is_waited_to_completion_with_one_post_and_polls_only() {
    let server = server(&["in-progress", "in-progress", "completed"]).await;
    let client = client(&server.uri());
    let reports = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&reports);
    let done = client
        .droplet_actions()
        .post(DROPLET, DropletActionsPostBody::DisableBackups)
        .wait()
        .poll_interval(Duration::from_millis(1))
        .on_progress(move |p| seen.lock().unwrap().push((p.action.status.clone(), p.status_changed, p.polls)))
        .await
        .expect("the action completes");
    assert_eq!(done.id.get(), ACTION);
    assert_eq!(done.status, ActionStatus::Completed);
    let post = "POST /v2/droplets/3164444/actions".to_owned();
    let get = format!("GET /v2/actions/{ACTION}");
    assert_eq!(requests(&server).await, [post, get.clone(), get.clone(), get], "one POST, then three polls");
    let reports = reports.lock().unwrap().clone();
    assert_eq!(reports, [(ActionStatus::InProgress, true, 1), (ActionStatus::InProgress, false, 2)]);
}

#[tokio::test]
async fn awaited_without_wait_the_call_is_the_one_post_and_its_action() {
    let server = server(&["completed"]).await;
    let started = client(&server.uri())
        .droplet_actions()
        .post(DROPLET, DropletActionsPostBody::DisableBackups)
        .await
        .expect("the action starts");
    assert_eq!((started.id.get(), &started.status), (ACTION, &ActionStatus::InProgress));
    assert_eq!(requests(&server).await, ["POST /v2/droplets/3164444/actions"]);
}

#[tokio::test]
async fn an_errored_action_ends_the_wait_with_the_action() {
    let server = server(&["in-progress", "errored"]).await;
    let err = client(&server.uri())
        .droplet_actions()
        .post(DROPLET, DropletActionsPostBody::DisableBackups)
        .wait()
        .poll_interval(Duration::from_millis(1))
        .await
        .unwrap_err();
    match err {
        Error::ActionErrored(a) => assert_eq!((a.id.get(), a.status), (ACTION, ActionStatus::Errored)),
        other => panic!("expected ActionErrored, got {other:?}"),
    }
    assert_eq!(requests(&server).await.iter().filter(|r| r.starts_with("POST")).count(), 1);
    assert_eq!(requests(&server).await.len(), 3, "one POST, two polls");
}

#[tokio::test]
async fn a_wait_past_its_timeout_gives_up_with_the_action_as_last_seen() {
    let server = server(&["in-progress"]).await;
    let err = client(&server.uri())
        .droplet_actions()
        .post(DROPLET, DropletActionsPostBody::DisableBackups)
        .wait()
        .poll_interval(Duration::from_millis(5))
        .max_poll_interval(Duration::from_millis(5))
        .timeout(Duration::from_millis(60))
        .await
        .unwrap_err();
    match err {
        Error::WaitTimeout { action, waited, .. } => {
            assert_eq!((action.id.get(), action.status), (ACTION, ActionStatus::InProgress));
            assert!(waited >= Duration::from_millis(60), "{waited:?}");
        }
        other => panic!("expected WaitTimeout, got {other:?}"),
    }
    let requests = requests(&server).await;
    assert_eq!(requests.iter().filter(|r| r.starts_with("POST")).count(), 1, "{requests:?}");
    assert!(requests.len() >= 3, "it polled until the timeout: {requests:?}");
}

#[tokio::test]
async fn a_refused_start_ends_the_wait_without_polling() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(422).set_body_json(json!({"id": "unprocessable_entity", "message": "no backups"})),
        )
        .mount(&server)
        .await;
    let err = client(&server.uri())
        .droplet_actions()
        .post(DROPLET, DropletActionsPostBody::DisableBackups)
        .wait()
        .await
        .unwrap_err();
    match err {
        Error::Api(api) => assert_eq!((api.status.as_u16(), api.message.as_str()), (422, "no backups")),
        other => panic!("expected the API's error, got {other:?}"),
    }
    assert_eq!(requests(&server).await, ["POST /v2/droplets/3164444/actions"]);
}
