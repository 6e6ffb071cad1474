//! The SDK operations each run makes, through the public `Client` API only.

use digitalocean_sdk::{Action, ActionId, Client, Error, ImageId};
use futures::{StreamExt, TryStreamExt};

const IMAGE: ImageId = ImageId::new(7938269).unwrap();
const ACTION: ActionId = ActionId::new(36805527).unwrap();

/// One call of the SDK.
#[derive(Clone, Copy, Debug)]
pub enum Op {
    Convert,
    Transfer(&'static str),
    Get,
    Page {
        page: u64,
        per_page: Option<u64>,
    },
    /// Streams the list with this page size and stops after `take` actions: Prism's pages
    /// always claim a next page, so the stream must be bounded here.
    Stream {
        per_page: u64,
        take: usize,
    },
}

/// Every operation, with paging at both ends of the allowed range.
pub const ALL: &[Op] = &[
    Op::Convert,
    Op::Transfer("nyc3"),
    // A slug the API serves that upstream's closed region enum lacks.
    Op::Transfer("atl1"),
    Op::Get,
    Op::Page { page: 1, per_page: None },
    Op::Page { page: 2, per_page: Some(1) },
    Op::Page { page: 3, per_page: Some(200) },
    Op::Stream { per_page: 1, take: 3 },
];

impl Op {
    pub fn name(&self) -> String {
        match self {
            Op::Convert => "convert".into(),
            Op::Transfer(region) => format!("transfer {region}"),
            Op::Get => "get".into(),
            Op::Page { page, per_page: None } => format!("list page {page}"),
            Op::Page { page, per_page: Some(n) } => format!("list page {page} per_page {n}"),
            Op::Stream { per_page, take } => format!("list stream per_page {per_page} take {take}"),
        }
    }

    /// Runs the call; on success, a line describing what decoded.
    pub async fn call(&self, client: &Client) -> Result<String, Error> {
        let actions = client.image_actions();
        match *self {
            Op::Convert => actions.convert(IMAGE).await.map(|a| describe(&a)),
            Op::Transfer(region) => actions.transfer(IMAGE, region).await.map(|a| describe(&a)),
            Op::Get => actions.get(IMAGE, ACTION).await.map(|a| describe(&a)),
            Op::Page { page, per_page } => {
                let list = actions.list(IMAGE);
                let list = match per_page {
                    Some(n) => list.per_page(n),
                    None => list,
                };
                let page = list.page(page).await?;
                Ok(format!("{} action(s), total {}", page.actions.len(), page.meta.total))
            }
            Op::Stream { per_page, take } => {
                let got: Vec<Action> = actions.list(IMAGE).per_page(per_page).stream().take(take).try_collect().await?;
                Ok(format!("{} action(s)", got.len()))
            }
        }
    }
}

fn describe(action: &Action) -> String {
    format!("action {} {} `{}`", action.id, action.status, action.type_)
}
