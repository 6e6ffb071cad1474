//! What the handle calls test's generated table (`generated::handle_calls`) is made of: one call
//! per operation through its generated handle method, erased to a common type so that a table can
//! hold them all.

use std::future::Future;
use std::pin::Pin;

use digitalocean_sdk::{AgentEndpoint, Client, Error, Response};
use serde::de::DeserializeOwned;

/// One call against a client: `Ok` when the method succeeded and its answer decoded into the
/// method's type, else what went wrong. The client is taken by value (it is a pair of `Arc`s)
/// so that the future owns what it borrows.
pub type Run = fn(Client) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// One operation's call through its handle.
#[derive(Clone, Copy)]
pub struct Call {
    /// The operationId, as the spec spells it.
    pub id: &'static str,
    /// The operation's first tag, as the spec spells it (the handle's tag).
    pub tag: &'static str,
    /// The call.
    pub run: Run,
}

/// A required argument, deserialized from the JSON text the generator chose into the type the
/// method takes; the error names the field that did not fit.
pub fn arg<T: DeserializeOwned>(json: &str) -> Result<T, String> {
    let mut de = serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(&mut de).map_err(|e| format!("argument {json} at `{}`: {}", e.path(), e.inner()))
}

/// What a call came to, its value dropped: decoding it was the check.
pub fn outcome<T>(result: Result<Response<T>, Error>) -> Result<(), String> {
    result.map(drop).map_err(|e| match &e {
        // The status and the field that did not decode say more than the message alone.
        Error::Decode { .. } | Error::Api(_) => format!("{e:?}"),
        _ => e.to_string(),
    })
}

/// How many items a page the list walks ask for: with the fake's lists of
/// `digitalocean_fake_api::DEFAULT_LIST_LENGTH` (5) items, three pages.
pub const PER_PAGE: u64 = 2;

/// One list read whole against a client: the number of items collected, or what went wrong.
pub type Collect = fn(Client) -> Pin<Box<dyn Future<Output = Result<usize, String>> + Send>>;

/// One list's walk through its handle: `.per_page(PER_PAGE).collect()`.
#[derive(Clone, Copy)]
pub struct Walk {
    /// The operationId, as the spec spells it.
    pub id: &'static str,
    /// The operation's first tag, as the spec spells it.
    pub tag: &'static str,
    /// The walk.
    pub run: Collect,
}

/// How many items a walk collected.
pub fn collected<T>(result: Result<Vec<T>, Error>) -> Result<usize, String> {
    result.map(|items| items.len()).map_err(|e| format!("{e:?}"))
}

/// One action started (or read) and waited on to its end: the finished action's id, or what
/// went wrong.
pub type Waited = fn(Client) -> Pin<Box<dyn Future<Output = Result<u64, String>> + Send>>;

/// One operation's call through its handle, then `.wait()` for the action it answers with.
#[derive(Clone, Copy)]
pub struct Wait {
    /// The operationId, as the spec spells it.
    pub id: &'static str,
    /// The operation's first tag, as the spec spells it.
    pub tag: &'static str,
    /// The call and the wait.
    pub run: Waited,
}

/// A wait that polls at once, again and again: the fake finishes an action by the number of
/// its reads, not by time.
pub fn quick(wait: digitalocean_sdk::Wait<'_>) -> digitalocean_sdk::Wait<'_> {
    let now = std::time::Duration::from_millis(1);
    wait.poll_interval(now).max_poll_interval(now)
}

/// The id of the action a wait saw complete (a wait resolves only then; `errored` and time-outs
/// are errors).
pub fn waited(result: Result<digitalocean_sdk::types::Action, Error>) -> Result<u64, String> {
    result.map(|action| action.id.get()).map_err(|e| format!("{e:?}"))
}

/// The agent endpoint of the calls, with [`TEST_AGENT_KEY`](crate::TEST_AGENT_KEY). Every host
/// but the API's is the server of the client's inference URL (which is the API's own in
/// [`client`](crate::client): one fake answers every host).
pub fn endpoint(client: &Client) -> Result<AgentEndpoint, String> {
    client.agent_endpoint(client.config().inference_url(), crate::TEST_AGENT_KEY).map_err(|e| e.to_string())
}

/// The whole URL of `path` for an operation given its URL per call (an upload to a presigned
/// URL): on the server of the client's inference URL, as [`endpoint`].
pub fn sample_url(client: &Client, path: &str) -> String {
    format!("{}{path}", client.config().inference_url())
}
