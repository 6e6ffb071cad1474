//! `client.image_actions()`: convert, transfer, get, list and wait, in the API's words.

use crate::Client;
use crate::api::actions::ListActions;
use crate::api::wait::Wait;
use crate::call::{call, call_map};
use crate::error::Error;
use crate::ids::{ActionId, ImageId};
use crate::response::Response;
use crate::types::{Action, ImageAction, RegionSlug};

/// The image-actions resource. Get one with [`Client::image_actions`].
#[derive(Clone, Copy, Debug)]
pub struct ImageActions<'a> {
    client: &'a Client,
}

// Here rather than in `client.rs`, as the generated handles do: the client does not depend on
// its resources, only they on it.
impl Client {
    /// Image actions: convert, transfer, get, list and wait.
    pub fn image_actions(&self) -> ImageActions<'_> {
        ImageActions { client: self }
    }
}

impl<'a> ImageActions<'a> {
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
    pub fn convert(self, image: ImageId) -> impl Future<Output = Result<Response<Action>, Error>> + Send + 'a {
        self.start(image, ImageAction::Convert)
    }

    /// Starts copying the image to `region`; returns the new action. Any slug is accepted:
    /// `"atl1".into()` works as well as `RegionSlug::Nyc3`.
    pub async fn transfer(self, image: ImageId, region: impl Into<RegionSlug>) -> Result<Response<Action>, Error> {
        self.start(image, ImageAction::Transfer(region.into())).await
    }

    /// Starts any image action. Never retried unless the server certainly did not act on it.
    pub fn start(
        self,
        image: ImageId,
        action: ImageAction,
    ) -> impl Future<Output = Result<Response<Action>, Error>> + Send + 'a {
        let builder = self.client.generated().image_actions_post().image_id(image).body(action);
        call_map(self.client, builder, |r| r.action)
    }

    /// Reads one action of the image.
    pub async fn get(self, image: ImageId, action: ActionId) -> Result<Response<Action>, Error> {
        let builder = self.client.generated().image_actions_get().image_id(image).action_id(action);
        Ok(call(self.client, builder).await?.map(|r| r.action))
    }

    /// Lists the image's actions: a [`ListActions`] to stream, collect, or read page by page.
    pub fn list(self, image: ImageId) -> ListActions<'a> {
        ListActions::of_image(self.client, image)
    }

    /// Waits for an action to finish; see [`Wait`] for the timeout and progress reports.
    pub fn wait(self, image: ImageId, action: ActionId) -> Wait<'a> {
        Wait::new(self.client, Some(image), action)
    }
}
