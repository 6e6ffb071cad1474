//! The SDK against the stateful fake API: pagination, waiting (completed, errored, timeout,
//! dropped), progress reports, errors, and retries under scripted faults.

use std::future::IntoFuture;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use digitalocean_fake_api::{FakeApi, Fault, Route};
use digitalocean_sdk::{ActionId, ActionStatus, Client, Error, ImageId, RetryPolicy, WaitEvent};
use futures::StreamExt;
use tests::{client, client_with};

const IMAGE: ImageId = ImageId::new(7938269).unwrap();
const POLL: Duration = Duration::from_millis(10);
/// Every wait is bounded, so a broken wait fails the test instead of hanging it.
const BOUND: Duration = Duration::from_secs(5);
/// Long enough that only a hung test reaches it, however loaded the machine.
const HUNG: Duration = Duration::from_secs(60);

async fn fake_with(builder: digitalocean_fake_api::FakeApiBuilder) -> (FakeApi, Client) {
    let fake = builder.image(IMAGE.get()).start().await;
    let client = client(&fake.uri());
    (fake, client)
}

async fn start_convert(client: &Client) -> ActionId {
    client.image_actions().convert(IMAGE).await.expect("convert").id
}

/// A retry policy fast enough for tests.
fn quick_retries() -> RetryPolicy {
    RetryPolicy::default().base_delay(Duration::from_millis(5)).max_delay(Duration::from_millis(20)).max_attempts(3)
}

#[tokio::test]
async fn list_follows_every_page() {
    let (fake, client) = fake_with(FakeApi::builder()).await;
    let mut started = Vec::new();
    for _ in 0..5 {
        started.push(start_convert(&client).await.get());
    }
    fake.clear_requests();

    let actions = client.image_actions().list(IMAGE).per_page(2).collect().await.unwrap();
    let listed: Vec<u64> = actions.iter().map(|a| a.id.get()).collect();
    started.reverse();
    assert_eq!(listed, started, "every action once, newest first");

    let pages: Vec<Option<String>> = fake.requests().into_iter().map(|r| r.query).collect();
    assert_eq!(fake.count(Route::List), 3, "one request per page: {pages:?}");
    assert_eq!(
        pages,
        ["page=1&per_page=2", "page=2&per_page=2", "page=3&per_page=2"].map(|q| Some(q.to_owned())).to_vec()
    );
}

#[tokio::test]
async fn list_of_an_image_without_actions_is_one_empty_page() {
    let (fake, client) = fake_with(FakeApi::builder()).await;
    let actions = client.image_actions().list(IMAGE).collect().await.unwrap();
    assert!(actions.is_empty());
    assert_eq!(fake.count(Route::List), 1);
}

#[tokio::test]
async fn wait_returns_the_completed_action() {
    let (fake, client) = fake_with(FakeApi::builder().polls_to_complete(3)).await;
    let id = start_convert(&client).await;
    let done = client.image_actions().wait(IMAGE, id).poll_interval(POLL).timeout(BOUND).await.unwrap();
    assert_eq!(done.id.get(), id.get());
    assert_eq!(done.status, ActionStatus::Completed);
    assert!(done.completed_at.is_some());
    assert_eq!(fake.polls(id.get()), 3, "stops polling once completed");
}

#[tokio::test]
async fn wait_reports_an_errored_action_as_an_error() {
    let (fake, client) = fake_with(FakeApi::builder().polls_to_error(2)).await;
    let id = start_convert(&client).await;
    let err = client.image_actions().wait(IMAGE, id).poll_interval(POLL).timeout(BOUND).await.unwrap_err();
    match err {
        Error::ActionErrored(action) => {
            assert_eq!(action.id.get(), id.get());
            assert_eq!(action.status, ActionStatus::Errored);
        }
        other => panic!("expected ActionErrored, got {other:?}"),
    }
    assert_eq!(fake.polls(id.get()), 2);
}

#[tokio::test]
async fn wait_gives_up_at_its_timeout() {
    let (fake, client) = fake_with(FakeApi::builder().never_finish()).await;
    let id = start_convert(&client).await;
    let limit = Duration::from_millis(80);
    let err =
        client.image_actions().wait(IMAGE, id).poll_interval(POLL).timeout(BOUND).timeout(limit).await.unwrap_err();
    match err {
        Error::WaitTimeout { action, waited, .. } => {
            assert_eq!(action.id.get(), id.get());
            assert_eq!(action.status, ActionStatus::InProgress);
            assert!(waited >= limit, "waited {waited:?}");
        }
        other => panic!("expected WaitTimeout, got {other:?}"),
    }
    assert!(fake.polls(id.get()) >= 2, "it polled before giving up");
}

#[tokio::test]
async fn dropping_the_wait_stops_the_polls() {
    let (fake, client) = fake_with(FakeApi::builder().never_finish()).await;
    let id = start_convert(&client).await;
    let wait = client.image_actions().wait(IMAGE, id).poll_interval(POLL).timeout(HUNG).max_poll_interval(POLL);
    let mut wait = Box::pin(wait.into_future());
    // Driven until the fake has seen it poll twice, however long a loaded machine takes.
    let polled_twice = async {
        while fake.polls(id.get()) < 2 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    };
    let ended = tokio::time::timeout(HUNG, async {
        tokio::select! {
            ended = &mut wait => Some(ended),
            () = polled_twice => None,
        }
    })
    .await
    .expect("hung: the wait neither polled twice nor ended");
    assert!(ended.is_none(), "the wait ended before polling twice: {ended:?}");
    drop(wait);
    let polls_at_drop = fake.polls(id.get());
    // Ten poll intervals later, nothing more has arrived.
    tokio::time::sleep(POLL * 10).await;
    assert_eq!(fake.polls(id.get()), polls_at_drop);
}

#[tokio::test]
async fn progress_sees_the_status_and_growing_elapsed_time() {
    let (_fake, client) = fake_with(FakeApi::builder().polls_to_complete(4)).await;
    let id = start_convert(&client).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let done = client
        .image_actions()
        .wait(IMAGE, id)
        .poll_interval(POLL)
        .timeout(BOUND)
        .on_progress(move |p| record.lock().unwrap().push(p.clone()))
        .await
        .unwrap();
    assert_eq!(done.status, ActionStatus::Completed);

    let seen = seen.lock().unwrap();
    let polls: Vec<u32> = seen.iter().map(|p| p.polls).collect();
    assert_eq!(polls, [1, 2, 3], "one report per poll that found it running");
    assert!(seen.iter().all(|p| p.action.status == ActionStatus::InProgress && p.action.id.get() == id.get()));
    let changed: Vec<bool> = seen.iter().map(|p| p.status_changed).collect();
    assert_eq!(changed, [true, false, false], "only the first report is a change");
    assert!(seen.windows(2).all(|w| w[1].elapsed > w[0].elapsed), "elapsed grows");
    assert!(seen[2].elapsed >= POLL * 2);
}

#[tokio::test]
async fn into_stream_yields_progress_then_completed() {
    let (_fake, client) = fake_with(FakeApi::builder().polls_to_complete(3)).await;
    let id = start_convert(&client).await;
    let events: Vec<WaitEvent> = client
        .image_actions()
        .wait(IMAGE, id)
        .poll_interval(POLL)
        .timeout(BOUND)
        .into_stream()
        .map(|e| e.expect("no error"))
        .collect()
        .await;
    assert_eq!(events.len(), 3);
    assert!(matches!(&events[0], WaitEvent::Progress(p) if p.polls == 1));
    assert!(matches!(&events[1], WaitEvent::Progress(p) if p.polls == 2));
    assert!(matches!(&events[2], WaitEvent::Completed(a) if a.status == ActionStatus::Completed));
}

#[tokio::test]
async fn unknown_image_is_an_api_404() {
    let (_fake, client) = fake_with(FakeApi::builder()).await;
    let unknown = ImageId::new(1).unwrap();
    let errors = [
        client.image_actions().convert(unknown).await.map(drop).unwrap_err(),
        client.image_actions().get(unknown, ActionId::new(5).unwrap()).await.map(drop).unwrap_err(),
        client.image_actions().list(unknown).collect().await.map(drop).unwrap_err(),
        client.image_actions().get(IMAGE, ActionId::new(5).unwrap()).await.map(drop).unwrap_err(),
    ];
    for err in errors {
        let Error::Api(api) = &err else { panic!("expected Error::Api, got {err:?}") };
        assert_eq!(api.status.as_u16(), 404);
        assert_eq!(api.id, "not_found");
        assert!(api.request_id.is_some(), "the x-request-id header is kept");
        assert!(err.is_not_found());
    }
}

#[tokio::test]
async fn wrong_token_is_an_api_401() {
    let fake = FakeApi::builder().image(IMAGE.get()).token("dop_v1_expected").start().await;
    let err = client(&fake.uri()).image_actions().convert(IMAGE).await.unwrap_err();
    assert_eq!(err.api().map(|e| (e.status.as_u16(), e.id.as_str())), Some((401, "unauthorized")));
    assert!(fake.actions(IMAGE.get()).is_empty());
}

#[tokio::test]
async fn every_response_updates_the_rate_limit() {
    let (fake, client) = fake_with(FakeApi::builder()).await;
    let first = client.image_actions().convert(IMAGE).await.unwrap();
    let second = client.image_actions().convert(IMAGE).await.unwrap();
    let (a, b) = (first.rate_limit().unwrap(), second.rate_limit().unwrap());
    assert_eq!((a.limit, a.remaining, b.remaining), (5000, 4999, 4998));
    assert_eq!(client.rate_limit().map(|r| r.remaining), Some(fake.rate_limit_remaining()));
    assert_ne!(first.request_id(), second.request_id());
}

#[tokio::test]
async fn a_wait_rides_out_a_bad_gateway_and_a_429() {
    let fake = FakeApi::builder().image(IMAGE.get()).polls_to_complete(2).start().await;
    let client = client_with(&fake.uri(), quick_retries());
    let id = start_convert(&client).await;
    fake.push_fault_on(Route::Get, Fault::BadGatewayHtml);
    fake.push_fault_on(Route::Get, Fault::TooManyRequests { retry_after: Duration::ZERO });
    let done = client.image_actions().wait(IMAGE, id).poll_interval(POLL).timeout(BOUND).await.unwrap();
    assert_eq!(done.status, ActionStatus::Completed);
    let statuses: Vec<u16> = fake.requests().iter().filter(|r| r.route == Route::Get).map(|r| r.status).collect();
    assert_eq!(statuses, [502, 429, 200, 200]);
}

#[tokio::test]
async fn a_post_that_failed_after_acting_is_not_sent_again() {
    let fake = FakeApi::builder().image(IMAGE.get()).start().await;
    let client = client_with(&fake.uri(), quick_retries());
    fake.push_fault(Fault::ServerErrorAfterActing);
    let err = client.image_actions().convert(IMAGE).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(fake.count(Route::Post), 1, "a 500 on a POST is not retried");
    assert_eq!(fake.actions(IMAGE.get()).len(), 1, "exactly one action started");
}

#[tokio::test]
async fn a_post_refused_with_429_is_retried_once_allowed() {
    let fake = FakeApi::builder().image(IMAGE.get()).start().await;
    let client = client_with(&fake.uri(), quick_retries());
    fake.push_fault(Fault::TooManyRequests { retry_after: Duration::ZERO });
    let action = client.image_actions().transfer(IMAGE, "ams3").await.unwrap();
    assert_eq!(action.attempts(), 2);
    assert_eq!(action.region_slug.as_deref(), Some("ams3"));
    assert_eq!(fake.actions(IMAGE.get()).len(), 1);
}

#[tokio::test]
async fn an_html_502_is_a_decode_error_with_its_status() {
    let fake = FakeApi::builder().image(IMAGE.get()).fault(Fault::BadGatewayHtml).start().await;
    let err = client(&fake.uri()).image_actions().get(IMAGE, ActionId::new(9).unwrap()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502), "{err}");
    assert!(err.request_id().is_some(), "{err:?}");
}
