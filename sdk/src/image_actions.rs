//! `client.image_actions()`: convert, transfer, get, list and wait, in the API's words.

use std::num::NonZeroU64;

use futures_util::stream::{self, Stream, TryStreamExt};

use crate::Client;
use crate::call::{Response, run};
use crate::error::Error;
use crate::ids::{ActionId, ImageId};
use crate::types::{Action, ActionPage, ImageAction, RegionSlug};
use crate::wait::Wait;

/// The image-actions resource. Get one with [`Client::image_actions`].
#[derive(Clone, Copy, Debug)]
pub struct ImageActions<'a> {
    client: &'a Client,
}

impl<'a> ImageActions<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        ImageActions { client }
    }

    /// Starts converting the image (a backup, say) into a snapshot; returns the new action.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), digitalocean_sdk::Error> {
    /// use digitalocean_sdk::{Client, ImageId};
    ///
    /// let client = Client::from_env()?;
    /// let image = ImageId::new(7938269).expect("a positive id");
    /// let action = client.image_actions().convert(image).await?;
    /// println!("action {} is {}", action.id, action.status);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn convert(&self, image: ImageId) -> Result<Response<Action>, Error> {
        self.start(image, ImageAction::Convert).await
    }

    /// Starts copying the image to `region`; returns the new action. Any slug is accepted:
    /// `"atl1".into()` works as well as `RegionSlug::Nyc3`.
    pub async fn transfer(&self, image: ImageId, region: impl Into<RegionSlug>) -> Result<Response<Action>, Error> {
        self.start(image, ImageAction::Transfer(region.into())).await
    }

    /// Starts any image action. Never retried unless the server certainly did not act on it.
    pub async fn start(&self, image: ImageId, action: ImageAction) -> Result<Response<Action>, Error> {
        let send = self.client.image_actions_post().image_id(NonZeroU64::from(image)).body(action).send();
        Ok(run(send).await?.map(|r| r.action))
    }

    /// Reads one action of the image.
    pub async fn get(&self, image: ImageId, action: ActionId) -> Result<Response<Action>, Error> {
        let send = self
            .client
            .image_actions_get()
            .image_id(NonZeroU64::from(image))
            .action_id(NonZeroU64::from(action))
            .send();
        Ok(run(send).await?.map(|r| r.action))
    }

    /// Lists the image's actions: a [`ListActions`] to stream, collect, or read page by page.
    pub fn list(&self, image: ImageId) -> ListActions<'a> {
        ListActions { client: self.client, image, per_page: None }
    }

    /// Waits for an action to finish; see [`Wait`] for the timeout and progress reports.
    pub fn wait(&self, image: ImageId, action: ActionId) -> Wait<'a> {
        Wait::new(self.client, image, action)
    }
}

/// The actions of one image, page after page.
#[derive(Clone, Debug)]
pub struct ListActions<'a> {
    client: &'a Client,
    image: ImageId,
    per_page: Option<u64>,
}

impl<'a> ListActions<'a> {
    /// How many actions each request fetches (the API allows 1 to 200; default 20).
    pub fn per_page(mut self, per_page: u64) -> Self {
        self.per_page = Some(per_page);
        self
    }

    /// Fetches one page (counting from 1), with its links and total.
    pub async fn page(&self, page: u64) -> Result<Response<ActionPage>, Error> {
        let page = NonZeroU64::new(page).ok_or_else(|| Error::InvalidRequest("pages count from 1".into()))?;
        let mut builder = self.client.image_actions_list().image_id(NonZeroU64::from(self.image)).page(page);
        if let Some(per_page) = self.per_page {
            let per_page =
                NonZeroU64::new(per_page).ok_or_else(|| Error::InvalidRequest("per_page must be at least 1".into()))?;
            builder = builder.per_page(per_page);
        }
        run(builder.send()).await
    }

    /// Every action, fetching pages as the stream is read, until the last page.
    pub fn stream(self) -> impl Stream<Item = Result<Action, Error>> + 'a {
        stream::try_unfold((self, Some(1u64)), |(list, next)| async move {
            let Some(number) = next else { return Ok(None) };
            let page = list.page(number).await?.into_inner();
            let has_next = page.links.as_ref().and_then(|l| l.pages.as_ref()).is_some_and(|p| p.next.is_some());
            // An empty page ends the walk even if it claims a next one, so a confused server
            // cannot keep the stream going forever.
            let next = (has_next && !page.actions.is_empty()).then_some(number + 1);
            Ok(Some((stream::iter(page.actions.into_iter().map(Ok)), (list, next))))
        })
        .try_flatten()
    }

    /// Every action of every page, in one `Vec`.
    pub async fn collect(self) -> Result<Vec<Action>, Error> {
        self.stream().try_collect().await
    }
}
