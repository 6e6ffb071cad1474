//! `client.actions()` is generated (list and get); what the spec cannot say is written here, on
//! the same handle: waiting for an action of any resource.

use crate::api::generated::Actions;
use crate::api::wait::Wait;
use crate::ids::ActionId;

impl<'a> Actions<'a> {
    /// Waits for an action of any resource to finish, polling `/v2/actions/{action_id}`; see
    /// [`Wait`] for the timeout and progress reports.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), digitalocean_sdk::Error> {
    /// use futures::{StreamExt, TryStreamExt};
    ///
    /// let client = digitalocean_sdk::Client::from_env()?;
    /// // Only the first page is fetched: the stream stops after ten actions.
    /// let latest: Vec<_> = client.actions().list().per_page(10).stream().take(10).try_collect().await?;
    /// if let Some(action) = latest.first() {
    ///     let done = client.actions().wait(action.id).await?;
    ///     println!("{} {} on {} {:?}", done.id, done.type_, done.resource_type, done.resource_id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait(self, action: ActionId) -> Wait<'a> {
        Wait::new(self.client, None, action)
    }
}
