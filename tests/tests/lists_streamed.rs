//! Every list of the whole API, read whole through its handle against the fake API, a few items
//! a page: `client.<handle>().<list>(args..).per_page(2).collect()`.
//!
//! The fake answers a request for a page of any list with that page of a list of
//! `DEFAULT_LIST_LENGTH` (5) items, with the API's `links.pages` and `meta.total`. A walk passes
//! when it collected every item, reading each of the pages once, page 1 to the last, and
//! nothing else: at least three pages for every list. The walks come from the generated table
//! `tests::handle_call_table::LISTS` (written by `cargo xtask generate`); the lists of the
//! hand-written handles (images, actions, image actions) are walked here by their own methods,
//! the image actions from the fake's state.
//!
//! Run it with `cargo test -p tests --features whole-api --test lists_streamed -- --nocapture`
//! to see the figures; it fails on any list that is not read whole across three pages.

#![cfg(feature = "whole-api")]

use std::collections::BTreeSet;

use digitalocean_fake_api::{DEFAULT_LIST_LENGTH, EXAMPLE_IMAGE_ID, FakeApi};
use digitalocean_sdk::ImageId;
use tests::handle_call_table::{CALLED_APART, LISTS};
use tests::handle_calls::{Collect, PER_PAGE, collected};

/// The pages a walk of `DEFAULT_LIST_LENGTH` items, `PER_PAGE` a page, reads.
fn pages() -> Vec<u64> {
    (1..=DEFAULT_LIST_LENGTH.div_ceil(PER_PAGE)).collect()
}

fn image() -> ImageId {
    ImageId::new(EXAMPLE_IMAGE_ID).expect("a positive id")
}

/// The lists of the hand-written handles, each through its own list builder.
fn handwritten(id: &str) -> Option<Collect> {
    let run: Collect = match id {
        "images_list" => |c| Box::pin(async move { collected(c.images().list().per_page(PER_PAGE).collect().await) }),
        "imageActions_list" => {
            |c| Box::pin(async move { collected(c.image_actions().list(image()).per_page(PER_PAGE).collect().await) })
        }
        _ => return None,
    };
    Some(run)
}

/// The page number a request's query asks for.
fn page_of(query: Option<&str>) -> Option<u64> {
    query?.split('&').find_map(|p| p.strip_prefix("page=")).and_then(|n| n.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_list_is_streamed_across_three_pages() {
    assert!(pages().len() >= 3, "the fake's lists make at least three pages of PER_PAGE");
    // The image's actions are the fake's own: as many as any other list has items.
    let fake = FakeApi::builder().image(EXAMPLE_IMAGE_ID).past_actions(EXAMPLE_IMAGE_ID, DEFAULT_LIST_LENGTH as usize);
    let fake = fake.start().await;
    let client = tests::client(&fake.uri());

    let mut planned: Vec<(&str, &str, Result<Collect, String>)> =
        LISTS.iter().map(|w| (w.id, w.tag, Ok(w.run))).collect();
    for (id, tag, handle) in CALLED_APART {
        if digitalocean_fake_api::operation(id).and_then(|o| o.list_items()).is_some() {
            let run =
                handwritten(id).ok_or_else(|| format!("no hand-written walk of this list of `client.{handle}()`"));
            planned.push((id, tag, run));
        }
    }
    // The walk covers every list: the fake's lists are the handles' (one rule in the generator).
    let lists: BTreeSet<&str> =
        digitalocean_fake_api::operations().iter().filter(|o| o.list_items().is_some()).map(|o| o.id()).collect();
    let walked: BTreeSet<&str> = planned.iter().map(|p| p.0).collect();
    assert_eq!(walked.len(), planned.len(), "a list walked twice");
    assert_eq!(walked, lists, "the lists walked are the lists the fake pages");

    let n = planned.len();
    let mut passed = 0;
    let mut failures = Vec::new();
    for (id, tag, run) in planned {
        fake.clear_requests();
        let result = match run {
            Ok(run) => run(client.clone()).await,
            Err(e) => Err(e),
        };
        let seen = fake.requests();
        let read: Vec<Option<u64>> = seen.iter().map(|r| page_of(r.query.as_deref())).collect();
        let others: Vec<String> = seen
            .iter()
            .filter(|r| r.operation != Some(id) || r.status != 200)
            .map(|r| format!("{} {} {}", r.method, r.path, r.status))
            .collect();
        let want: Vec<Option<u64>> = pages().into_iter().map(Some).collect();
        match result {
            Ok(items) if items as u64 == DEFAULT_LIST_LENGTH && read == want && others.is_empty() => passed += 1,
            Ok(items) => failures.push(format!(
                "{tag} | {id}: {items} items (want {DEFAULT_LIST_LENGTH}), pages read {read:?} (want {want:?}), other requests {others:?}"
            )),
            Err(e) => failures.push(format!("{tag} | {id}: {e} (pages read {read:?})")),
        }
    }
    println!("lists streamed: {passed}/{n} across >=3 pages");
    for f in &failures {
        println!("  FAILS | {f}");
    }
    assert!(failures.is_empty(), "{} list(s) not read whole across three pages (above)", failures.len());
}

#[tokio::test]
async fn a_walk_that_stops_early_is_reported() {
    // The check itself: a list of one page is read in one request, which the test counts as a
    // failure to page, not a pass.
    let fake = FakeApi::builder().list_length(1).start().await;
    let client = tests::client(&fake.uri());
    let walk = LISTS.iter().find(|w| w.id == "droplets_list").expect("droplets_list is in the table");
    assert_eq!((walk.run)(client).await, Ok(1));
    assert_eq!(fake.requests().len(), 1, "one page, so fewer than three: the test above would fail it");
}
