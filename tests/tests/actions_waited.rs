//! Every operation whose answer is an action, sent through its handle against the fake API and
//! waited on to the end: `client.<handle>().<method>(args..).wait()`.
//!
//! The fake makes the actions it answers with progress: an action a request starts (or a
//! resource's action route reads) is `in-progress` until its third read, and `completed` then,
//! the same rule as its image actions. A wait passes when it ends with the action completed,
//! after exactly three reads of it (so it read it `in-progress` first), with the request that
//! started it sent once. Each operation gets a fake of its own, so that no action is finished
//! by another's wait. The waits come from the generated table `tests::handle_call_table::WAITS`;
//! those of the hand-written handles (image actions, actions) are made here by their own methods.
//!
//! Run it with `cargo test -p tests --features whole-api --test actions_waited -- --nocapture`
//! to see the figures; it fails on any operation whose action is not waited to completion.

#![cfg(feature = "whole-api")]

use std::collections::BTreeSet;

use digitalocean_fake_api::{EXAMPLE_IMAGE_ID, FakeApi, operations};
use digitalocean_sdk::ImageId;
use digitalocean_sdk::types::DropletActionsPostByTagBody;
use tests::handle_call_table::{SEVERAL_ACTIONS, WAITED_APART, WAITS};
use tests::handle_calls::{Waited, quick, waited};

/// The reads of an action the fake answers before it completes (its default).
const READS: usize = 3;

fn image() -> ImageId {
    ImageId::new(EXAMPLE_IMAGE_ID).expect("a positive id")
}

/// The waits of the hand-written handles: the image's action through its image's route, and
/// the account's read of any action, waiting on an image action.
fn handwritten(id: &str) -> Option<Waited> {
    let run: Waited = match id {
        "imageActions_post" => |c| {
            Box::pin(async move {
                let started = c.image_actions().convert(image()).await.map_err(|e| format!("{e:?}"))?;
                waited(quick(c.image_actions().wait(image(), started.id)).await)
            })
        },
        "imageActions_get" => |c| {
            Box::pin(async move {
                let started = c.image_actions().convert(image()).await.map_err(|e| format!("{e:?}"))?;
                let read = c.image_actions().get(image(), started.id).await.map_err(|e| format!("{e:?}"))?;
                waited(quick(c.image_actions().wait(image(), read.id)).await)
            })
        },
        "actions_get" => |c| {
            Box::pin(async move {
                let started = c.image_actions().convert(image()).await.map_err(|e| format!("{e:?}"))?;
                let read = c.actions().get(started.id).await.map_err(|e| format!("{e:?}"))?;
                waited(quick(c.actions().wait(read.id)).await)
            })
        },
        _ => return None,
    };
    Some(run)
}

/// Whether the fake's documented answer of `id` holds one action (rather than an array).
fn answers_one_action(op: &digitalocean_fake_api::DocumentedOperation) -> Option<bool> {
    let field = op.action_field()?;
    let example = op.example()?;
    let held = if field.is_empty() { Some(example) } else { example.get(field) };
    Some(held.is_some_and(|a| a.is_object()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_action_is_waited_to_completion() {
    let mut planned: Vec<(&str, &str, Result<Waited, String>)> =
        WAITS.iter().map(|w| (w.id, w.tag, Ok(w.run))).collect();
    for id in WAITED_APART {
        let tag = digitalocean_fake_api::operation(id).map_or("", |o| o.tag());
        planned.push((id, tag, handwritten(id).ok_or_else(|| "no hand-written wait for this operation".to_owned())));
    }
    // The walk covers every operation whose answer is one action, as the fake (and the
    // generator's one rule) sees them.
    let one: BTreeSet<&str> =
        operations().iter().filter(|o| answers_one_action(o) == Some(true)).map(|o| o.id()).collect();
    let several: BTreeSet<&str> =
        operations().iter().filter(|o| answers_one_action(o) == Some(false)).map(|o| o.id()).collect();
    let waiting: BTreeSet<&str> = planned.iter().map(|p| p.0).collect();
    assert_eq!(waiting.len(), planned.len(), "an operation waited twice");
    assert_eq!(waiting, one, "the operations waited are those answering with one action");
    assert_eq!(several, SEVERAL_ACTIONS.iter().map(|s| s.0).collect(), "the answers of several actions");

    let n = planned.len();
    let mut passed = 0;
    let mut failures = Vec::new();
    for (id, tag, run) in planned {
        let fake = FakeApi::start().await;
        let client = tests::client(&fake.uri());
        let result = match run {
            Ok(run) => run(client).await,
            Err(e) => Err(e),
        };
        let sent = fake.requests().iter().filter(|r| r.operation == Some(id) && r.method != "GET").count();
        match result {
            Ok(action) if fake.polls(action) == READS && sent <= 1 => passed += 1,
            Ok(action) => failures.push(format!(
                "{tag} | {id}: action {action} completed after {} reads (want {READS}), started by {sent} requests",
                fake.polls(action)
            )),
            Err(e) => failures.push(format!("{tag} | {id}: {e}")),
        }
    }
    println!("actions waited: {passed}/{n}");
    for f in &failures {
        println!("  FAILS | {f}");
    }
    assert!(failures.is_empty(), "{} action(s) not waited to completion (above)", failures.len());
}

/// The droplet actions by tag answer with an array of actions, one per droplet: `.wait()` on
/// the request sends it once, then waits for each action to complete, in the answer's order.
#[tokio::test]
async fn the_actions_of_a_tag_are_waited_all() {
    assert_eq!(SEVERAL_ACTIONS, [("dropletActions_post_byTag", "Droplet Actions")]);
    let fake = FakeApi::start().await;
    let client = tests::client(&fake.uri());
    let now = std::time::Duration::from_millis(1);
    let done = client
        .droplet_actions()
        .post_by_tag(DropletActionsPostByTagBody::PowerCycle)
        .tag_name("web".into())
        .wait()
        .poll_interval(now)
        .max_poll_interval(now)
        .await
        .unwrap();
    assert!(!done.is_empty());
    let sent = fake.requests().iter().filter(|r| r.operation == Some("dropletActions_post_byTag")).count();
    assert_eq!(sent, 1, "the request is sent once");
    for action in &done {
        assert_eq!(action.status, digitalocean_sdk::types::ActionStatus::Completed);
        assert_eq!(action.type_, "power_cycle", "the request's type is the action's");
        assert_eq!(fake.polls(action.id.get()), READS, "each action is polled until it completes");
    }
}

/// One timeout covers every action of the wait: a fake whose actions never finish ends the wait
/// with `WaitTimeout`, not with a wait per action.
#[tokio::test]
async fn the_wait_for_a_tag_times_out_as_a_whole() {
    let fake = FakeApi::builder().polls_to_complete(u32::MAX).start().await;
    let client = tests::client(&fake.uri());
    let now = std::time::Duration::from_millis(1);
    let err = client
        .droplet_actions()
        .post_by_tag(DropletActionsPostByTagBody::PowerCycle)
        .tag_name("web".into())
        .wait()
        .timeout(std::time::Duration::from_millis(50))
        .poll_interval(now)
        .max_poll_interval(now)
        .await
        .unwrap_err();
    assert!(matches!(err, digitalocean_sdk::Error::WaitTimeout { .. }), "{err:?}");
}
