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
/// The default delay before the second poll.
pub(crate) const FIRST_DELAY: Duration = Duration::from_secs(1);
/// The default longest delay between polls.
pub(crate) const MAX_DELAY: Duration = Duration::from_secs(10);

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

/// The request that starts the action, still to be sent; it gives the action's id.
#[cfg(feature = "actions")]
type Start<'a> = Pin<Box<dyn Future<Output = Result<ActionId, Error>> + Send + 'a>>;

/// The action a wait is for.
enum Target<'a> {
    /// Known: polling starts at once.
    Known(ActionId),
    /// Not started yet (`ActionCall::wait`): the wait first sends the request that starts it,
    /// once, and learns the id from its answer.
    #[cfg(feature = "actions")]
    Starting(Start<'a>),
    // Keeps `'a` used when `actions` is off and `Starting` is compiled out.
    #[cfg(not(feature = "actions"))]
    #[allow(dead_code)]
    Never(std::marker::PhantomData<&'a ()>),
}

/// A wait for an action, configured with the builder methods and run by `.await` (or turned
/// into a stream of [`WaitEvent`]s). Nothing polls forever: the default timeout is 30 minutes.
pub struct Wait<'a> {
    client: &'a Client,
    // `None` polls the account-wide `/v2/actions/{id}`; `Some` the image's own action route.
    image: Option<ImageId>,
    action: Target<'a>,
    timeout: Duration,
    first_delay: Duration,
    max_delay: Duration,
    on_progress: Option<ProgressFn<'a>>,
}

impl std::fmt::Debug for Wait<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wait")
            .field("image", &self.image)
            .field(
                "action",
                &match &self.action {
                    Target::Known(id) => Some(*id),
                    #[allow(unreachable_patterns)]
                    _ => None,
                },
            )
            .field("timeout", &self.timeout)
            .field("first_delay", &self.first_delay)
            .field("max_delay", &self.max_delay)
            .finish_non_exhaustive()
    }
}

impl<'a> Wait<'a> {
    pub(crate) fn new(client: &'a Client, image: Option<ImageId>, action: ActionId) -> Self {
        Self::of(client, image, Target::Known(action))
    }

    /// A wait for the action that `start` starts: sent when the wait is first polled, polled
    /// at the account's `/v2/actions/{id}` once it answers.
    #[cfg(feature = "actions")]
    pub(crate) fn after(client: &'a Client, start: Start<'a>) -> Self {
        Self::of(client, None, Target::Starting(start))
    }

    fn of(client: &'a Client, image: Option<ImageId>, action: Target<'a>) -> Self {
        Wait {
            client,
            image,
            action,
            timeout: DEFAULT_WAIT_TIMEOUT,
            first_delay: FIRST_DELAY,
            max_delay: MAX_DELAY,
            on_progress: None,
        }
    }

    /// Gives up with [`Error::WaitTimeout`] after this long (default 30 minutes). For a wait that
    /// starts the action (`ActionCall::wait`), counted from the answer that started it.
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
            #[cfg(feature = "actions")]
            if let Target::Starting(start) = &mut s.wait.action {
                // The one request that starts the action; what follows only reads it.
                match start.await {
                    Ok(id) => s.wait.action = Target::Known(id),
                    Err(e) => {
                        s.done = true;
                        return Some((Err(e), s));
                    }
                }
                s.started = Instant::now();
            }
            let Target::Known(action) = s.wait.action else {
                unreachable!("the action is known once the request that starts it has answered")
            };
            if s.polls > 0 {
                let left = s.wait.timeout.saturating_sub(s.started.elapsed());
                tokio::time::sleep(s.delay.min(left)).await;
                s.delay = s.delay.mul_f64(1.5).min(s.wait.max_delay);
            }
            s.polls += 1;
            let polled = match s.wait.image {
                #[cfg(feature = "image-actions")]
                Some(image) => s.wait.client.image_actions().get(image, action).await,
                #[cfg(feature = "actions")]
                None => s.wait.client.actions().get(action).await,
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
