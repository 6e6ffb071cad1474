//! Waiting for an action to finish: polls with backoff until `completed`, `errored`, the
//! caller's timeout, or the future being dropped.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::{Duration, Instant};

use futures_util::stream::{self, Stream, StreamExt};

use crate::Client;
use crate::error::Error;
use crate::ids::{ActionId, ImageId};
use crate::types::{Action, ActionStatus};

/// The default limit on one wait.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// One report while waiting.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Progress {
    /// The action as last read.
    pub action: Action,
    /// Whether the status differs from the previous report (always true for the first).
    pub status_changed: bool,
    /// Time since the wait began.
    pub elapsed: Duration,
    /// Polls so far, this one included.
    pub polls: u32,
}

/// What a waiting stream yields: progress after each poll, then the finished action.
#[derive(Clone, Debug, PartialEq)]
pub enum WaitEvent {
    /// The action is still running.
    Progress(Progress),
    /// The action completed.
    Completed(Action),
}

type ProgressFn<'a> = Box<dyn FnMut(&Progress) + Send + 'a>;

/// A wait for an action, configured with the builder methods and run by `.await` (or turned
/// into a stream of [`WaitEvent`]s). Nothing polls forever: the default timeout is 30 minutes.
pub struct Wait<'a> {
    client: &'a Client,
    // `None` polls the account-wide `/v2/actions/{id}`; `Some` the image's own action route.
    image: Option<ImageId>,
    action: ActionId,
    timeout: Duration,
    first_delay: Duration,
    max_delay: Duration,
    on_progress: Option<ProgressFn<'a>>,
}

impl std::fmt::Debug for Wait<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wait")
            .field("image", &self.image)
            .field("action", &self.action)
            .field("timeout", &self.timeout)
            .field("first_delay", &self.first_delay)
            .field("max_delay", &self.max_delay)
            .finish_non_exhaustive()
    }
}

impl<'a> Wait<'a> {
    pub(crate) fn new(client: &'a Client, image: Option<ImageId>, action: ActionId) -> Self {
        Wait {
            client,
            image,
            action,
            timeout: DEFAULT_WAIT_TIMEOUT,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(10),
            on_progress: None,
        }
    }

    /// Gives up with [`Error::WaitTimeout`] after this long (default 30 minutes).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The delay before the second poll; later delays grow by half each time (default 1 s).
    pub fn poll_interval(mut self, delay: Duration) -> Self {
        self.first_delay = delay;
        self
    }

    /// The longest delay between polls (default 10 s).
    pub fn max_poll_interval(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Calls `f` after every poll that finds the action still running.
    pub fn on_progress(mut self, f: impl FnMut(&Progress) + Send + 'a) -> Self {
        self.on_progress = Some(Box::new(f));
        self
    }

    /// The wait as a stream: a [`WaitEvent::Progress`] after each poll, then
    /// [`WaitEvent::Completed`]; an error (errored action, timeout, failed poll) ends it.
    pub fn into_stream(self) -> impl Stream<Item = Result<WaitEvent, Error>> + Send + 'a {
        struct State<'a> {
            wait: Wait<'a>,
            started: Instant,
            polls: u32,
            delay: Duration,
            last_status: Option<ActionStatus>,
            done: bool,
        }
        let delay = self.first_delay;
        let state = State { wait: self, started: Instant::now(), polls: 0, delay, last_status: None, done: false };
        stream::unfold(state, |mut s| async move {
            if s.done {
                return None;
            }
            if s.polls > 0 {
                let left = s.wait.timeout.saturating_sub(s.started.elapsed());
                tokio::time::sleep(s.delay.min(left)).await;
                s.delay = s.delay.mul_f64(1.5).min(s.wait.max_delay);
            }
            s.polls += 1;
            let polled = match s.wait.image {
                #[cfg(feature = "image-actions")]
                Some(image) => s.wait.client.image_actions().get(image, s.wait.action).await,
                #[cfg(feature = "actions")]
                None => s.wait.client.actions().get(s.wait.action).await,
                // A wait is made only by a handle whose feature is on: never reached.
                #[allow(unreachable_patterns)]
                _ => Err(Error::InvalidRequest("the action's resource is not compiled in".into())),
            };
            let action = match polled {
                Ok(a) => a.into_inner(),
                Err(e) => {
                    s.done = true;
                    return Some((Err(e), s));
                }
            };
            let elapsed = s.started.elapsed();
            let event = match &action.status {
                ActionStatus::Completed => {
                    s.done = true;
                    Ok(WaitEvent::Completed(action))
                }
                ActionStatus::Errored => {
                    s.done = true;
                    Err(Error::ActionErrored(Box::new(action)))
                }
                _ if elapsed >= s.wait.timeout => {
                    s.done = true;
                    Err(Error::WaitTimeout { action: Box::new(action), waited: elapsed })
                }
                status => {
                    let status_changed = s.last_status.as_ref() != Some(status);
                    s.last_status = Some(status.clone());
                    Ok(WaitEvent::Progress(Progress { action, status_changed, elapsed, polls: s.polls }))
                }
            };
            Some((event, s))
        })
    }

    async fn run(mut self) -> Result<Action, Error> {
        let mut on_progress = self.on_progress.take();
        let events = self.into_stream();
        futures_util::pin_mut!(events);
        while let Some(event) = events.next().await {
            match event? {
                WaitEvent::Progress(p) => {
                    if let Some(f) = on_progress.as_mut() {
                        f(&p);
                    }
                }
                WaitEvent::Completed(action) => return Ok(action),
            }
        }
        unreachable!("the wait stream ends only after a completed action or an error")
    }
}

impl<'a> IntoFuture for Wait<'a> {
    type Output = Result<Action, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}
