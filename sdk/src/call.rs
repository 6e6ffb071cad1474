//! One call as users see it: the runtime's retry loop, then its final attempt turned into a
//! [`Response`] or the SDK's one [`Error`]. Text the server sent back is cleared of the
//! credential on the way (the token, or the key of the host the call went to): a proxy's error
//! page may quote the request's headers.
//!
//! A call goes through a [`Sender`]: the [`Client`] for the API, or the generated client of
//! another host (inference, an agent's endpoint, a presigned URL), each with its credential.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;

use futures_util::StreamExt;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Error, ErrorBody, excerpt, redact, whole};
use crate::response::Response;
use crate::runtime::body::root_cause;
use crate::runtime::json_path;
use crate::runtime::rate_limit::{RateLimit, request_id, retry_after, scan};
use crate::runtime::send::{Outcome, Sent, send};
use crate::runtime::{Credential, Operation, Runtime};
use crate::{ByteStream, Client};
use progenitor_client::ClientInfo;

/// What a call is sent through: the API's [`Client`], or the generated client of another host.
/// Its runtime holds the retry policy, the rate limit and the credential of that host.
pub(crate) trait Sender: Sync {
    fn runtime(&self) -> &Runtime;

    /// The connection pool the requests go out on.
    fn http(&self) -> &reqwest::Client;

    /// The secret to clear out of what the server sends back.
    fn token(&self) -> &str {
        self.runtime().secret()
    }
}

impl Sender for Client {
    fn runtime(&self) -> &Runtime {
        Client::runtime(self)
    }

    fn http(&self) -> &reqwest::Client {
        self.generated().client()
    }
}

impl Sender for crate::generated::Client {
    fn runtime(&self) -> &Runtime {
        &self.inner
    }

    fn http(&self) -> &reqwest::Client {
        self.client()
    }
}

/// A host whose credential the client was not given is an error before anything is sent.
fn ready<O: Operation>(client: &impl Sender) -> Result<(), Error> {
    match client.runtime().credential() {
        Credential::Missing(what) => {
            Err(Error::Config(format!("operation `{}` needs {what}; nothing was sent", O::ID)))
        }
        Credential::Bearer { .. } | Credential::Anonymous => Ok(()),
    }
}

/// Sends `operation` through `client` and gives its decoded body.
pub(crate) fn call<'c, O>(
    client: &'c impl Sender,
    operation: O,
) -> impl Future<Output = Result<Response<O::Value>, Error>> + Send + 'c
where
    O: Operation + 'c,
    O::Value: DeserializeOwned + Send,
    O::Failure: DeserializeOwned + serde::Serialize + Send,
{
    call_map(client, operation, |value| value)
}

/// [`call`] for an operation whose success body is not JSON but a stream of bytes (a CSV
/// invoice, a kubeconfig): nothing to decode, so no decoding error to locate in it. The body
/// is handed on as the SDK's [`ByteStream`], a chunk that fails as the SDK's [`Error`].
pub(crate) async fn call_stream<O>(client: &impl Sender, operation: O) -> Result<Response<ByteStream>, Error>
where
    O: Operation<Value = progenitor_client::ByteStream>,
    O::Failure: serde::Serialize + Send,
{
    ready::<O>(client)?;
    let Sent { outcome, attempts } = send(client.http(), client.runtime(), operation).await;
    let (status, headers, value) = outcome.into_value().map_err(|failed| failure(failed, client.token()))?;
    let response = success(status, &headers, value, attempts);
    let token: Arc<str> = Arc::from(client.token());
    let request_id = response.request_id().map(|id| redact(id, Some(&token)));
    Ok(response.map(|body| {
        ByteStream::new(
            body.into_inner()
                .map(move |chunk| chunk.map_err(|e| broken_body(e, status, request_id.clone(), Some(&token)))),
        )
    }))
}

/// [`call`] for an operation whose error body is a stream of bytes (an upload to a presigned
/// URL, where the storage service answers in its own format): the error is the status, rate
/// limit and request id, with no id or message, since the body is not the API's.
pub(crate) async fn call_unread_failure<O>(client: &impl Sender, operation: O) -> Result<Response<O::Value>, Error>
where
    O: Operation<Failure = progenitor_client::ByteStream>,
    O::Value: Send,
{
    ready::<O>(client)?;
    let Sent { outcome, attempts } = send(client.http(), client.runtime(), operation).await;
    let token = Some(client.token());
    let failed: Outcome<Infallible, ()> = match outcome.into_value() {
        Ok((status, headers, value)) => return Ok(success(status, &headers, value, attempts)),
        Err(Outcome::Failure { status, headers, .. }) => {
            return Err(Error::Api(Box::new(ApiError {
                status,
                rate_limit: RateLimit::from_headers(&headers),
                retry_after: retry_after(&headers),
                request_id: redacted_request_id(&headers, token),
                id: String::new(),
                message: String::new(),
            })));
        }
        // The other outcomes are any call's, but that a presigned URL, which grants access
        // while it lasts, is not quoted by reqwest's errors.
        Err(Outcome::Transport(e)) => Outcome::Transport(unquoted(e, client)),
        Err(Outcome::Broken { status, headers, error }) => {
            Outcome::Broken { status, headers, error: unquoted(error, client) }
        }
        Err(Outcome::Undescribed { status, headers, body }) => Outcome::Undescribed { status, headers, body },
        Err(Outcome::Undecodable { status, headers, body, error }) => {
            Outcome::Undecodable { status, headers, body, error }
        }
        Err(Outcome::TooLarge { status, headers, limit }) => Outcome::TooLarge { status, headers, limit },
        Err(Outcome::Invalid(message)) => Outcome::Invalid(message),
        Err(Outcome::Value { value, .. }) => match value {},
    };
    Err(failure(failed, client.token()))
}

/// `e` without its URL when the URL is a presigned one.
fn unquoted(e: reqwest::Error, client: &impl Sender) -> reqwest::Error {
    if client.runtime().presigned() { e.without_url() } else { e }
}

/// [`call`], then `f` on the value: `call_map(client, op, |r| r.action)` unwraps the API's
/// envelope.
pub(crate) async fn call_map<O, U>(
    client: &impl Sender,
    operation: O,
    f: impl FnOnce(O::Value) -> U,
) -> Result<Response<U>, Error>
where
    O: Operation,
    O::Value: Send,
    O::Failure: serde::Serialize + Send,
{
    ready::<O>(client)?;
    let Sent { outcome, attempts } = send(client.http(), client.runtime(), operation).await;
    match outcome.into_value() {
        Ok((status, headers, value)) => Ok(success(status, &headers, f(value), attempts)),
        Err(failed) => Err(failure(failed, client.token())),
    }
}

/// [`call`] for an answer that wraps one resource under a key the spec leaves optional
/// (`{"droplet": {..}}`): the resource, or, when the answer lacks the key, a decode error
/// naming it, since a success without its resource is nothing the caller can use.
pub(crate) async fn call_envelope<O, U>(
    client: &impl Sender,
    operation: O,
    field: &'static str,
    f: impl FnOnce(O::Value) -> Option<U>,
) -> Result<Response<U>, Error>
where
    O: Operation,
    O::Value: DeserializeOwned + Send,
    O::Failure: DeserializeOwned + serde::Serialize + Send,
{
    let response = call_map(client, operation, f).await?;
    let Response { value, http_status, rate_limit, request_id, attempts } = response;
    match value {
        Some(value) => Ok(Response { value, http_status, rate_limit, request_id, attempts }),
        None => Err(Error::Decode {
            status: Some(http_status),
            request_id: request_id.as_ref().and_then(|v| v.to_str().ok()).map(|id| redact(id, Some(client.token()))),
            path: Some(field.to_owned()),
            reason: format!("the answer has no `{field}`"),
            excerpt: String::new(),
            body: None,
            source: None,
        }),
    }
}

fn success<T>(status: StatusCode, headers: &HeaderMap, value: T, attempts: u32) -> Response<T> {
    let (rate_limit, request_id) = scan(headers);
    let request_id = request_id.cloned();
    Response { value, http_status: status, rate_limit, request_id, attempts }
}

/// The error a call that did not succeed comes to. Out of line: kept out of the success path,
/// its code does not crowd the instruction cache on every call.
#[cold]
#[inline(never)]
fn failure<E: serde::Serialize>(outcome: Outcome<Infallible, E>, token: &str) -> Error {
    let token = Some(token);
    match outcome {
        Outcome::Failure { status, headers, failure } => {
            let header_id = request_id(&headers);
            let body = ErrorBody::of(&failure);
            let api = ApiError {
                status,
                rate_limit: RateLimit::from_headers(&headers),
                retry_after: retry_after(&headers),
                request_id: body.request_id.or(header_id).map(|id| redact(&id, token)),
                id: redact(&body.id, token),
                message: redact(&body.message, token),
            };
            Error::Api(Box::new(api))
        }
        Outcome::Undescribed { status, headers, body } => unexpected(status, &headers, &body, token),
        Outcome::Undecodable { status, headers, body, error } => {
            let path = json_path::at_error(&body, &error);
            let reason = match &path {
                Some(path) => format!("at `{path}`: {error}"),
                None => error.to_string(),
            };
            Error::Decode {
                status: Some(status),
                request_id: redacted_request_id(&headers, token),
                path,
                reason: redact(&reason, token),
                excerpt: excerpt(&body, 200, token),
                body: Some(Box::new(whole(&body, token))),
                source: Some(cleared(Box::new(error), token)),
            }
        }
        Outcome::TooLarge { status, headers, limit } => {
            Error::ResponseTooLarge { status, request_id: redacted_request_id(&headers, token), limit }
        }
        Outcome::Broken { status, headers, error } => {
            broken_body(error, status, redacted_request_id(&headers, token), token)
        }
        Outcome::Transport(source) => {
            if source.is_timeout() {
                Error::Timeout { source }
            } else {
                Error::Transport { source }
            }
        }
        Outcome::Invalid(message) => Error::InvalidRequest(message),
        Outcome::Value { value, .. } => match value {},
    }
}

/// A status the operation does not describe, with its whole body (cleared of `token`).
fn unexpected(status: StatusCode, headers: &HeaderMap, body: &[u8], token: Option<&str>) -> Error {
    let location = headers.get(LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    Error::UnexpectedStatus {
        status,
        request_id: redacted_request_id(headers, token),
        location,
        excerpt: excerpt(body, 200, token),
        body: Some(Box::new(whole(body, token))),
    }
}

/// The status line and headers arrived, then the body broke off or stalled.
fn broken_body(e: reqwest::Error, status: StatusCode, request_id: Option<String>, token: Option<&str>) -> Error {
    if e.is_timeout() {
        return Error::Timeout { source: e };
    }
    let reason = redact(&format!("the body broke off: {}", root_cause(&e)), token);
    Error::Decode {
        status: Some(status),
        request_id,
        path: None,
        reason,
        excerpt: String::new(),
        body: None,
        source: Some(cleared(Box::new(e), token)),
    }
}

/// `error` itself, unless its message quotes the token (a decoder's message quotes the value
/// it refused): then an error with the same message, the token cleared out of it.
fn cleared(
    error: Box<dyn std::error::Error + Send + Sync>,
    token: Option<&str>,
) -> Box<dyn std::error::Error + Send + Sync> {
    let text = error.to_string();
    match token {
        Some(t) if !t.is_empty() && text.contains(t) => Box::new(Cleared(redact(&text, token))),
        _ => error,
    }
}

/// The message of an error whose own message quoted the token.
#[derive(Debug)]
struct Cleared(String);

impl std::fmt::Display for Cleared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Cleared {}

fn redacted_request_id(headers: &HeaderMap, token: Option<&str>) -> Option<String> {
    request_id(headers).map(|id| redact(&id, token))
}
