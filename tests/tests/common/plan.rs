//! The plan of the whole-API walks (`handles.rs` against the fake, `contract_prism` against
//! Prism): one call per operation, the generated table's calls plus the hand-written handles'
//! operations, each through its own method. Shared by `#[path]`, as test targets cannot depend
//! on one another.

use std::collections::{BTreeMap, BTreeSet};

use digitalocean_fake_api::EXAMPLE_IMAGE_ID;
use digitalocean_sdk::{ActionId, ImageId, TransferId};
use tests::handle_call_table::{CALLED_APART, CALLS};
use tests::handle_calls::{Run, outcome};

fn image() -> ImageId {
    ImageId::new(EXAMPLE_IMAGE_ID).expect("a positive id")
}

/// The operations of the hand-written handles, each through its own method. The image actions
/// keep state in the fake: only its image exists, and an action is read after it is started.
pub fn handwritten(id: &str) -> Option<Run> {
    let run: Run = match id {
        "actions_get" => |c| Box::pin(async move { outcome(c.actions().get(ActionId::new(36804636).unwrap()).await) }),
        "imageActions_post" => |c| Box::pin(async move { outcome(c.image_actions().convert(image()).await) }),
        "imageActions_get" => |c| {
            Box::pin(async move {
                let started = c.image_actions().convert(image()).await.map_err(|e| format!("starting: {e}"))?;
                outcome(c.image_actions().get(image(), started.id).await)
            })
        },
        "imageActions_list" => |c| Box::pin(async move { outcome(c.image_actions().list(image()).page(1).await) }),
        "images_list" => |c| Box::pin(async move { outcome(c.images().list().page(1).await) }),
        "images_get" => |c| Box::pin(async move { outcome(c.images().get(image()).await) }),
        "images_create_custom" => |c| {
            Box::pin(async move {
                let create = c.images().create_custom("ubuntu-custom", "https://example.com/image.iso", "nyc3");
                outcome(create.send().await)
            })
        },
        "images_update" => {
            |c| Box::pin(async move { outcome(c.images().update(image()).name("renamed").send().await) })
        }
        "images_post_account_transfer_create" => |c| {
            Box::pin(async move {
                outcome(c.images().account_transfers().offer_to_email(image(), "sammy@example.com").await)
            })
        },
        "images_post_account_transfer_accept" => |c| {
            Box::pin(async move {
                let transfers = c.images().account_transfers();
                outcome(transfers.accept(image(), transfer(), "5df3e3004a17e242b7c20ca6c9fc25b701a47ece").await)
            })
        },
        "images_post_account_transfer_cancel" => {
            |c| Box::pin(async move { outcome(c.images().account_transfers().cancel(image(), transfer()).await) })
        }
        "images_post_account_transfer_decline" => {
            |c| Box::pin(async move { outcome(c.images().account_transfers().decline(image(), transfer()).await) })
        }
        _ => return None,
    };
    Some(run)
}

fn transfer() -> TransferId {
    TransferId::new(1).expect("a positive id")
}

/// One call to make: the operation, its tag, and the call (`Err`: why there is none).
pub struct Planned {
    pub id: &'static str,
    pub tag: &'static str,
    pub run: Result<Run, String>,
}

pub fn plan() -> Vec<Planned> {
    let mut all: Vec<Planned> = CALLS.iter().map(|c| Planned { id: c.id, tag: c.tag, run: Ok(c.run) }).collect();
    for (id, tag, handle) in CALLED_APART {
        let run =
            handwritten(id).ok_or_else(|| format!("no hand-written call for this operation of `client.{handle}()`"));
        all.push(Planned { id, tag, run });
    }
    all
}

/// The walk: every operation of the effective spec (as the fake answers it) has exactly one
/// call. Returns the spec's operationIds.
pub fn check_walk(planned: &[Planned]) -> BTreeSet<&'static str> {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for p in planned {
        *count.entry(p.id).or_default() += 1;
    }
    let twice: Vec<_> = count.iter().filter(|(_, n)| **n > 1).map(|(id, _)| *id).collect();
    assert!(twice.is_empty(), "operations with more than one call: {twice:?}");
    let spec: BTreeSet<&'static str> = digitalocean_fake_api::operations().iter().map(|o| o.id()).collect();
    let called: BTreeSet<&str> = count.keys().copied().collect();
    let uncalled: Vec<_> = spec.difference(&called).collect();
    let unknown: Vec<_> = called.difference(&spec).collect();
    assert!(uncalled.is_empty(), "operations of the spec with no call: {uncalled:?}");
    assert!(unknown.is_empty(), "calls of operations the spec does not have: {unknown:?}");
    spec
}
