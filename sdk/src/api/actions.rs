//! `client.actions()`: every action of the account, whatever resource it works on: list, get
//! and wait. Also home of [`ListActions`], the paged list of actions that
//! `client.image_actions().list(image)` returns too.

use futures_util::stream::{Stream, TryStreamExt};

use crate::Client;
use crate::api::paging::{self, PagedList};
#[cfg(feature = "actions")]
use crate::api::wait::Wait;
use crate::call::call;
use crate::error::Error;
#[cfg(feature = "actions")]
use crate::ids::ActionId;
use crate::ids::ImageId;
use crate::response::Response;
use crate::types::{Action, ActionPage};

/// The account's actions. Get one with [`Client::actions`].
#[cfg(feature = "actions")]
#[derive(Clone, Copy, Debug)]
pub struct Actions<'a> {
    client: &'a Client,
}

// Here rather than in `client.rs`, as the generated handles do: the client does not depend on
// its resources, only they on it.
#[cfg(feature = "actions")]
impl Client {
    /// The account's actions, whatever resource they work on: list, get and wait.
    pub fn actions(&self) -> Actions<'_> {
        Actions { client: self }
    }
}

#[cfg(feature = "actions")]
impl<'a> Actions<'a> {
    /// Lists every action of the account, newest first: a [`ListActions`] to stream, collect,
    /// or read page by page. The list is long; prefer streaming it and stopping early.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), digitalocean_sdk::Error> {
    /// use futures::{StreamExt, TryStreamExt};
    ///
    /// let client = digitalocean_sdk::Client::from_env()?;
    /// // Only the first page is fetched: the stream stops after ten actions.
    /// let latest: Vec<_> = client.actions().list().per_page(10).stream().take(10).try_collect().await?;
    /// for action in &latest {
    ///     println!("{} {} on {} {:?}", action.id, action.type_, action.resource_type, action.resource_id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(self) -> ListActions<'a> {
        ListActions { client: self.client, image: None, per_page: None }
    }

    /// Reads one action, of any resource.
    pub async fn get(self, action: ActionId) -> Result<Response<Action>, Error> {
        let builder = self.client.generated().actions_get().action_id(action);
        Ok(call(self.client, builder).await?.map(|r| r.action))
    }

    /// Waits for an action of any resource to finish, polling `/v2/actions/{action_id}`; see
    /// [`Wait`] for the timeout and progress reports.
    pub fn wait(self, action: ActionId) -> Wait<'a> {
        Wait::new(self.client, None, action)
    }
}

/// A list of actions, page after page: the account's (from `Actions::list`) or one image's
/// (from `ImageActions::list`).
#[derive(Clone, Debug)]
pub struct ListActions<'a> {
    client: &'a Client,
    image: Option<ImageId>,
    per_page: Option<u64>,
}

impl<'a> ListActions<'a> {
    #[cfg(feature = "image-actions")]
    pub(crate) fn of_image(client: &'a Client, image: ImageId) -> Self {
        ListActions { client, image: Some(image), per_page: None }
    }

    /// How many actions each request fetches (the API allows 1 to 200; default 20).
    pub fn per_page(mut self, per_page: u64) -> Self {
        self.per_page = Some(per_page);
        self
    }

    /// Fetches one page (counting from 1), with its links and total.
    pub async fn page(&self, page: u64) -> Result<Response<ActionPage>, Error> {
        let page = paging::page_number(page)?;
        let per_page = paging::page_size(self.per_page)?;
        match self.image {
            #[cfg(feature = "image-actions")]
            Some(image) => {
                let mut builder = self.client.generated().image_actions_list().image_id(image).page(page);
                if let Some(per_page) = per_page {
                    builder = builder.per_page(per_page);
                }
                call(self.client, builder).await
            }
            #[cfg(feature = "actions")]
            None => {
                let mut builder = self.client.generated().actions_list().page(page);
                if let Some(per_page) = per_page {
                    builder = builder.per_page(per_page);
                }
                call(self.client, builder).await
            }
            // A list is made only by a handle whose feature is on: never reached.
            #[allow(unreachable_patterns)]
            _ => Err(Error::InvalidRequest("the list's resource is not compiled in".into())),
        }
    }

    /// Every action, fetching pages as the stream is read, until the last page.
    pub fn stream(self) -> impl Stream<Item = Result<Action, Error>> + Send + 'a {
        paging::walk(self)
    }

    /// Every action of every page, in one `Vec`.
    pub async fn collect(self) -> Result<Vec<Action>, Error> {
        self.stream().try_collect().await
    }
}

impl PagedList for ListActions<'_> {
    type Page = ActionPage;
    fn fetch(&self, number: u64) -> impl Future<Output = Result<Response<ActionPage>, Error>> + Send + '_ {
        self.page(number)
    }
}
