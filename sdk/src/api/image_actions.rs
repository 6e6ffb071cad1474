//! `client.image_actions()` is generated (list, get and `start`); the two kinds of action and the
//! wait on an image's own route are written here, on the same handle.

use std::future::Future;

use crate::api::action_call::ActionCall;
use crate::api::generated::ImageActions;
use crate::api::wait::Wait;
use crate::error::Error;
use crate::ids::{ActionId, ImageId};
use crate::response::Response;
use crate::types::{Action, ImageAction, RegionSlug};

impl<'a> ImageActions<'a> {
    /// Starts converting the image (a backup, say) into a snapshot: `.await` gives the new
    /// action, `.wait()` (with the `actions` feature) waits for it too.
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
    pub fn convert(
        self,
        image: ImageId,
    ) -> ActionCall<'a, Action, impl Future<Output = Result<Response<Action>, Error>> + Send + 'a> {
        self.start(image, ImageAction::Convert)
    }

    /// Starts copying the image to `region`, as [`convert`](Self::convert) does. Any slug is
    /// accepted: `"atl1".into()` works as well as `RegionSlug::Nyc3`.
    pub fn transfer(
        self,
        image: ImageId,
        region: impl Into<RegionSlug>,
    ) -> ActionCall<'a, Action, impl Future<Output = Result<Response<Action>, Error>> + Send + 'a> {
        self.start(image, ImageAction::Transfer(region.into()))
    }

    /// Waits for an action of the image to finish, polling the image's own route; see [`Wait`]
    /// for the timeout and progress reports.
    pub fn wait(self, image: ImageId, action: ActionId) -> Wait<'a> {
        Wait::new(self.client, Some(image), action)
    }
}
