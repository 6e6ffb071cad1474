//! Every operation of the whole API, called through its handle against the fake API.
//!
//! The calls come from the generated table `tests::handle_call_table` (written by
//! `cargo xtask generate`): for each operation with a generated handle method,
//! `client.<handle>().<method>(args..)` with the required arguments the fake accepts (its sample
//! path's values, its sample body), optional ones unset, a list read by `page(1)`. A call passes
//! when the method succeeds: the fake's documented answer went through the real call path (the
//! retry loop, the decoder, the envelope opened) into the method's type. The operations of the
//! hand-written handles (images, image actions, actions) are called here, by their own methods.
//!
//! The walk is checked too: the table and the hand-written calls hold every operation the fake
//! answers (every operation of the effective spec) exactly once.
//!
//! Run it with `cargo test -p tests --features whole-api --test handles -- --nocapture` to see
//! the figures; it fails when a call that is not in [`EXCLUDED`] fails, and when an excluded one
//! passes (so the list stays true).

#![cfg(feature = "whole-api")]

use std::collections::BTreeMap;

#[path = "common/plan.rs"]
mod plan;

use digitalocean_fake_api::FakeApi;
use digitalocean_sdk::{Client, RetryPolicy};
use plan::{check_walk, handwritten, plan};
use tests::handle_call_table::CALLS;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Calls known to fail, each with its reason: (operationId, reason).
#[rustfmt::skip]
const EXCLUDED: &[(&str, &str)] = &[];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_succeeds_through_its_handle() {
    let fake = FakeApi::start().await;
    let client = tests::client(&fake.uri());
    let planned = plan();

    let spec = check_walk(&planned);

    let n = planned.len();
    let excluded: BTreeMap<&str, &str> = EXCLUDED.iter().copied().collect();
    let mut passed = 0;
    // By tag: the operation, its error, and the reason it is excluded (if it is).
    type Failure<'a> = (&'a str, String, Option<&'a str>);
    let mut failures: BTreeMap<&str, Vec<Failure>> = BTreeMap::new();
    let mut stale = Vec::new();
    for p in &planned {
        let why = excluded.get(p.id).copied();
        let result = match &p.run {
            Ok(run) => run(client.clone()).await,
            Err(e) => Err(e.clone()),
        };
        match result {
            Ok(()) => {
                passed += 1;
                if why.is_some() {
                    stale.push(p.id);
                }
            }
            Err(e) => failures.entry(p.tag).or_default().push((p.id, e, why)),
        }
    }
    let e = failures.values().flatten().filter(|f| f.2.is_some()).count();
    if e == 0 {
        println!("handle calls: {passed}/{n} succeeded");
    } else {
        println!("handle calls: {passed}/{n} succeeded, {e} excluded");
    }
    let mut unexpected = 0;
    for (tag, list) in &failures {
        println!("\n{tag} ({} failing)", list.len());
        for (id, err, why) in list {
            let mark = if why.is_some() { "excluded" } else { "FAILS" };
            println!("  {mark:8} | {id} | {err}");
            match why {
                Some(why) => println!("           why excluded: {why}"),
                None => unexpected += 1,
            }
        }
    }
    let unnamed: Vec<_> = EXCLUDED.iter().filter(|(id, _)| !spec.contains(id)).map(|(id, _)| *id).collect();
    assert!(unnamed.is_empty(), "exclusions that name no operation: {unnamed:?}");
    assert!(stale.is_empty(), "excluded calls that now succeed (remove them from EXCLUDED): {stale:?}");
    assert_eq!(unexpected, 0, "{unexpected} call(s) failed that are not excluded (table above)");
}

/// The operations the spec sends to a host of its own, and the `Authorization` each must carry
/// there (`None`: none at all).
fn other_hosts() -> BTreeMap<&'static str, Option<String>> {
    let model = Some(format!("Bearer {}", tests::TEST_INFERENCE_KEY));
    let inference = [
        "inference_cancel_batch",
        "inference_create_async_invoke",
        "inference_create_batch",
        "inference_create_batch_file",
        "inference_create_chat_completion",
        "inference_create_embedding",
        "inference_create_image",
        "inference_create_messages",
        "inference_create_response",
        "inference_get_batch",
        "inference_get_batch_results",
        "inference_list_batches",
        "inference_list_models",
    ];
    let mut hosts: BTreeMap<&str, Option<String>> = inference.into_iter().map(|id| (id, model.clone())).collect();
    hosts.insert("agentInference_create_chat_completion", Some(format!("Bearer {}", tests::TEST_AGENT_KEY)));
    hosts.insert("inference_upload_batch_file", None);
    hosts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_of_other_hosts_go_there_with_their_own_credential() {
    // The API's server answers nothing; the other hosts' server answers their operations with
    // the documented example, and records what each request carried.
    let api = MockServer::start().await;
    let other = MockServer::start().await;
    let expected = other_hosts();
    for id in expected.keys() {
        let op = digitalocean_fake_api::operation(id).expect("an operation of the spec");
        let mut answer = ResponseTemplate::new(op.status());
        if let Some(example) = op.example() {
            answer = answer.set_body_json(example);
        }
        Mock::given(method(op.method())).and(path(sample_path(op))).respond_with(answer).mount(&other).await;
    }
    let client = Client::builder(tests::TEST_TOKEN)
        .base_url(api.uri())
        .inference_url(other.uri())
        .inference_key(tests::TEST_INFERENCE_KEY)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");

    let mut wrong = Vec::new();
    for call in CALLS {
        let before = other.received_requests().await.expect("recording on").len();
        let result = (call.run)(client.clone()).await;
        let requests = other.received_requests().await.expect("recording on");
        let sent: Vec<(String, Option<String>)> = requests[before..]
            .iter()
            .map(|r| {
                let auth = r.headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned);
                (r.url.path().to_owned(), auth)
            })
            .collect();
        match expected.get(call.id) {
            Some(auth) => {
                let op = digitalocean_fake_api::operation(call.id).expect("an operation of the spec");
                if sent != [(sample_path(op), auth.clone())] || result.is_err() {
                    wrong.push(format!("{}: sent {sent:?}, came to {result:?}", call.id));
                }
            }
            None if !sent.is_empty() => wrong.push(format!("{}: an API operation sent {sent:?} elsewhere", call.id)),
            None => {}
        }
    }
    let to_api: Vec<String> = api
        .received_requests()
        .await
        .expect("recording on")
        .iter()
        .map(|r| r.url.path().to_owned())
        .filter(|p| {
            expected.keys().any(|id| digitalocean_fake_api::operation(id).is_some_and(|op| sample_path(op) == *p))
        })
        .collect();
    assert!(to_api.is_empty(), "operations of other hosts sent to the API: {to_api:?}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    println!("other hosts: {} operations, each to its host with its own credential", expected.len());
}

/// An operation's sample path as it is sent (percent-encoded where the URL needs it).
fn sample_path(op: &digitalocean_fake_api::DocumentedOperation) -> String {
    reqwest::Url::parse(&format!("http://x{}", op.sample_path())).expect("a path").path().to_owned()
}

#[tokio::test]
async fn a_failing_call_is_reported() {
    // The check itself: a call the fake cannot answer (no server there) is a failure, not a pass.
    let client: Client = tests::client("http://127.0.0.1:9");
    let call = CALLS.iter().find(|c| c.id == "droplets_get").expect("droplets_get is in the table");
    assert!((call.run)(client.clone()).await.is_err());
    let handwritten = handwritten("images_get").expect("images_get is called by hand");
    assert!(handwritten(client).await.is_err());
}
