//! [`WaitAll`]: waiting for every action one request started. `POST /v2/droplets/actions` with a
//! tag acts on each droplet of the tag and answers with one action per droplet.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::{Duration, Instant};

use crate::Client;
use crate::api::wait::{DEFAULT_WAIT_TIMEOUT, FIRST_DELAY, MAX_DELAY, Wait};
use crate::error::Error;
use crate::ids::ActionId;
use crate::types::Action;

type Started<'a> = Pin<Box<dyn Future<Output = Result<Vec<ActionId>, Error>> + Send + 'a>>;

/// A wait for every action one request started, configured with the builder methods and run by
/// `.await`, which resolves to the finished actions in the order the answer gave them.
///
/// The request is sent once; then each action is polled at `GET /v2/actions/{action_id}`, one
/// action after the other: the actions run at the same time on the API's side, so by the time
/// the first has finished the others mostly have too, and a tag of many droplets does not
/// turn into many pollers spending the account's rate limit. The first action that ends
/// `errored` ends the wait with [`Error::ActionErrored`]; the timeout covers the whole wait,
/// counted from the answer that started the actions. An answer with no action resolves to an
/// empty `Vec` at once.
#[must_use = "a wait does nothing until it is awaited"]
pub struct WaitAll<'a> {
    client: &'a Client,
    start: Started<'a>,
    timeout: Duration,
    first_delay: Duration,
    max_delay: Duration,
}

impl std::fmt::Debug for WaitAll<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitAll")
            .field("timeout", &self.timeout)
            .field("first_delay", &self.first_delay)
            .field("max_delay", &self.max_delay)
            .finish_non_exhaustive()
    }
}

impl<'a> WaitAll<'a> {
    /// A wait for the actions that `start` starts, sent when the wait is first polled.
    pub(crate) fn after(client: &'a Client, start: Started<'a>) -> Self {
        // The same defaults as one action's wait.
        WaitAll { client, start, timeout: DEFAULT_WAIT_TIMEOUT, first_delay: FIRST_DELAY, max_delay: MAX_DELAY }
    }

    /// Gives up with [`Error::WaitTimeout`] after this long, for all the actions together
    /// (default 30 minutes), counted from the answer that started them.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The delay before the second poll of each action; later delays grow by half each time
    /// (default 1 s).
    pub fn poll_interval(mut self, delay: Duration) -> Self {
        self.first_delay = delay;
        self
    }

    /// The longest delay between two polls of one action (default 10 s).
    pub fn max_poll_interval(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    async fn run(self) -> Result<Vec<Action>, Error> {
        let WaitAll { client, start, timeout, first_delay, max_delay } = self;
        let ids = start.await?;
        let deadline = Instant::now() + timeout;
        let mut done = Vec::with_capacity(ids.len());
        for id in ids {
            let left = deadline.saturating_duration_since(Instant::now());
            let wait =
                Wait::new(client, None, id).timeout(left).poll_interval(first_delay).max_poll_interval(max_delay);
            done.push(wait.await?);
        }
        Ok(done)
    }
}

impl<'a> IntoFuture for WaitAll<'a> {
    type Output = Result<Vec<Action>, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// The wait for the actions of an answer that carries several, for the generated methods:
/// `ids` reads them off the answer.
pub(crate) fn after_call<'a, T: 'a>(
    client: &'a Client,
    call: impl Future<Output = Result<crate::Response<T>, Error>> + Send + 'a,
    ids: fn(&T) -> Vec<ActionId>,
) -> WaitAll<'a> {
    WaitAll::after(client, Box::pin(async move { call.await.map(|response| ids(&response)) }))
}
