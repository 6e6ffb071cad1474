//! [`ActionCall`]: what a generated method gives when the API answers it with an action (a
//! droplet's power cycle, a volume's attach, a reserved IP's assign). Awaited, it is the call
//! itself; `.wait()` sends it once and then waits for the action it started.

use std::future::{Future, IntoFuture};

use crate::Client;
use crate::error::Error;
use crate::ids::ActionId;
use crate::response::Response;

/// One call whose answer is an action, not sent yet.
///
/// `.await` sends it and resolves to the action as the answer has it (a `Response<T>`, exactly
/// what the method gave before it could be waited on). With the `actions` feature,
/// [`wait`](Self::wait) sends it, then waits for that action to finish: the wait has every
/// setting of `Wait` (its timeout, poll intervals, progress reports, `errored` as
/// `Error::ActionErrored`). The wait polls `GET /v2/actions/{action_id}`, the account's route
/// that reads an action of any resource, which the `actions` feature compiles in.
///
/// An action already in hand (a `Response` of one, from any call) is waited on with
/// `client.actions().wait(response.id)`.
#[must_use = "a call does nothing until it is awaited or waited on"]
pub struct ActionCall<'a, T, F> {
    client: &'a Client,
    call: F,
    /// Reads the action's id off the answer: the answers are several types of the API (a
    /// droplet's `Action`, a volume's `VolumeAction`, ...), each with its own `id` field.
    id: fn(&T) -> ActionId,
}

impl<T, F> std::fmt::Debug for ActionCall<'_, T, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionCall").finish_non_exhaustive()
    }
}

impl<'a, T, F> ActionCall<'a, T, F>
where
    F: Future<Output = Result<Response<T>, Error>> + Send + 'a,
{
    /// `call` is the call's future, not polled yet; `id` reads the action's id off its answer.
    pub(crate) fn new(client: &'a Client, call: F, id: fn(&T) -> ActionId) -> Self {
        ActionCall { client, call, id }
    }

    /// Sends the request, then waits for the action it started: a [`Wait`](crate::Wait) to set
    /// a timeout or a progress report on, run by `.await`.
    ///
    /// The request is sent once, as `.await` sends it (retried only where a plain call would
    /// be); waiting only reads the action, with `GET /v2/actions/{action_id}`, never sending the
    /// request again. A failed request ends the wait with its error. The wait's timeout counts
    /// from the answer that started the action.
    #[cfg(feature = "actions")]
    pub fn wait(self) -> crate::api::wait::Wait<'a>
    where
        T: 'a,
    {
        let ActionCall { client, call, id } = self;
        let started = async move { call.await.map(|response| id(&response)) };
        crate::api::wait::Wait::after(client, Box::pin(started))
    }
}

impl<'a, T, F> IntoFuture for ActionCall<'a, T, F>
where
    F: Future<Output = Result<Response<T>, Error>> + Send + 'a,
{
    type Output = Result<Response<T>, Error>;
    // The call's own future: awaiting an `ActionCall` costs nothing over awaiting the call.
    type IntoFuture = F;

    fn into_future(self) -> F {
        self.call
    }
}
