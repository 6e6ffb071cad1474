//! The runtime the generated code calls, and the one path every call takes.
//!
//! A call goes one way, in [`send::send`]: it takes a generated builder (any [`Operation`])
//! and, on each attempt, builds its request, authorizes it with the host's credential, sends
//! it with reqwest, reads the body within the size limit ([`body::read`]), classifies the
//! status by what the operation describes ([`Operation::answer`]), decodes the body
//! ([`body::json`], [`body::empty`], [`body::stream`]) and decides by the retry table
//! ([`retry`]) whether to try again, waiting as the server or the backoff says. What an
//! attempt came to travels back as a value ([`send::Outcome`]), nothing beside it. Nothing here
//! knows the API's types or the SDK's error: the public layer (`crate::call`) turns the outcome
//! into [`Response`](crate::Response) or [`Error`](crate::Error).
//!
//! Generator settings name only this module (`runtime`): the inner type [`Runtime`], the
//! trait [`Operation`], the enum [`Answer`] and the decoders in [`body`]. The timestamp decoder
//! the generated types call is beside them, in `digitalocean-sdk-types-core`.

use std::sync::{Arc, Mutex};

pub(crate) mod body;
pub(crate) mod json_path;
pub(crate) mod rate_limit;
pub(crate) mod retry;
pub(crate) mod send;
pub(crate) mod tls;

use rate_limit::RateLimit;
use retry::RetryPolicy;

/// What the generated `Client` carries for the runtime's path (progenitor's "inner type"): the
/// retry policy, the body size limit, the latest rate limit seen, and what the requests of that
/// client are sent with. Each host the SDK talks to (the API, the inference
/// host, an agent's endpoint, a presigned URL) has a generated `Client` and a `Runtime` of its
/// own, so a credential is only ever attached to the requests of the host it belongs to.
///
/// `pub` in a private module: progenitor's `Client::new` is `pub` and names it, yet no user can.
#[derive(Clone, Debug)]
pub struct Runtime {
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: u64,
    last_rate_limit: Arc<Mutex<Option<RateLimit>>>,
    credential: Credential,
    /// The URL every request goes to instead of the one the builder wrote: a presigned URL,
    /// whose path and query the signature covers, so it cannot be rebuilt from a template.
    target: Option<reqwest::Url>,
}

/// What a host's requests are authenticated with.
#[derive(Clone)]
pub(crate) enum Credential {
    /// A bearer secret: the `Authorization` header (marked sensitive, so reqwest and hyper do
    /// not print it) and its text, to clear out of anything the server sends back.
    Bearer { header: reqwest::header::HeaderValue, secret: Arc<str> },
    /// Nothing: the URL carries its own signature, and a second credential would be refused.
    Anonymous,
    /// The host needs a credential the client was not given: the text says which setting
    /// gives it. Nothing is sent.
    Missing(&'static str),
}

impl Credential {
    /// A bearer credential, or `None` when `secret` cannot be a header value.
    pub(crate) fn bearer(secret: &str) -> Option<Self> {
        let mut header = reqwest::header::HeaderValue::from_str(&format!("Bearer {secret}")).ok()?;
        header.set_sensitive(true);
        Some(Credential::Bearer { header, secret: Arc::from(secret) })
    }
}

// The secret is never printed: only which kind of credential it is.
impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Bearer { .. } => f.write_str("Bearer(<redacted>)"),
            Credential::Anonymous => f.write_str("Anonymous"),
            Credential::Missing(what) => f.debug_tuple("Missing").field(what).finish(),
        }
    }
}

impl Runtime {
    pub(crate) fn new(retry: RetryPolicy, max_response_bytes: u64, credential: Credential) -> Self {
        Runtime { retry, max_response_bytes, last_rate_limit: Arc::new(Mutex::new(None)), credential, target: None }
    }

    /// The same settings for another host, with its own credential and rate limit.
    pub(crate) fn for_host(&self, credential: Credential) -> Self {
        Runtime::new(self.retry.clone(), self.max_response_bytes, credential)
    }

    /// Sends every request to `url`, whatever the builder's path (a presigned upload).
    pub(crate) fn sent_to(mut self, url: reqwest::Url) -> Self {
        self.target = Some(url);
        self
    }

    /// The URL every request goes to, whatever the builder's path: a presigned one.
    pub(crate) fn target(&self) -> Option<&reqwest::Url> {
        self.target.as_ref()
    }

    /// Whether requests go to a URL given whole (presigned), which errors must not quote.
    pub(crate) fn presigned(&self) -> bool {
        self.target.is_some()
    }

    pub(crate) fn credential(&self) -> &Credential {
        &self.credential
    }

    /// The secret sent with these requests, to clear out of what comes back; empty for none.
    pub(crate) fn secret(&self) -> &str {
        match &self.credential {
            Credential::Bearer { secret, .. } => secret,
            Credential::Anonymous | Credential::Missing(_) => "",
        }
    }

    /// The rate limit from the most recent response of any call.
    pub(crate) fn last_rate_limit(&self) -> Option<RateLimit> {
        *self.last_rate_limit.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn remember(&self, rate_limit: RateLimit) {
        *self.last_rate_limit.lock().unwrap_or_else(|e| e.into_inner()) = Some(rate_limit);
    }
}

/// One operation of the API, as a generated builder ready to send: the generator implements
/// it for every builder, from the spec's method and path and the builder's own statuses.
pub(crate) trait Operation: Send + Sized {
    /// The success body.
    type Value;
    /// The error body the operation declares.
    type Failure;
    /// The operation id, in snake case.
    const ID: &'static str;
    /// The HTTP method: it decides what may be sent again.
    const METHOD: reqwest::Method;
    /// The path template, ids left out: what traces name the request by.
    const PATH: &'static str;
    /// A copy for another attempt; `None` for a builder whose body can be sent once only (a
    /// stream), which is then never retried.
    fn try_clone(&self) -> Option<Self>;
    /// The success of a DELETE whose retry finds the resource gone (a 404 after an attempt
    /// that may have deleted it): its empty body. `None`, the default, for every operation
    /// whose success has a body, which cannot be made up; those keep the 404 as an error.
    fn gone() -> Option<Self::Value> {
        None
    }
    /// The request, without credential: the builder's parameters checked and encoded.
    #[allow(clippy::result_large_err, reason = "progenitor's error type, which the generated builders return")]
    fn request(self) -> Result<reqwest::Request, progenitor_client::Error>;
    /// What a status is to this operation.
    fn answer(status: u16) -> Answer;
    /// The success body, decoded.
    fn value(body: body::Body) -> body::Decoded<Self::Value>;
    /// The error body, decoded.
    fn failure(body: body::Body) -> body::Decoded<Self::Failure>;
}

/// What a response's status is to the operation, as the spec describes its responses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    /// A success: the body is [`Operation::Value`].
    Value,
    /// The API's error: the body is [`Operation::Failure`].
    Failure,
    /// A status the operation does not describe (a 3xx, never followed, or a 1xx).
    Undescribed,
}
