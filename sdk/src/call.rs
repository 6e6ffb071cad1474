//! One call as users see it: the runtime's retry loop, then its final attempt turned into a
//! [`Response`] or the SDK's one [`Error`]. Text the server sent back is cleared of the
//! credential on the way (the token, or the key of the host the call went to): a proxy's error
//! page may quote the request's headers.
//!
//! A call goes through a [`Sender`]: the [`Client`] for the API, or the generated client of
//! another host (inference, an agent's endpoint, a presigned URL), each with its credential.

use std::future::Future;
use std::sync::Arc;

use futures_util::StreamExt;
use progenitor_client::{Error as GenError, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Error, ErrorBody, excerpt, redact, whole};
use crate::response::Response;
use crate::runtime::body::{BodyRead, Undecodable, root_cause};
use crate::runtime::call::{Sent, send};
use crate::runtime::json_path;
use crate::runtime::rate_limit::{RateLimit, request_id, retry_after, scan};
use crate::runtime::{Credential, Operation, Runtime};
use crate::{ByteStream, Client};

/// What a call is sent through: the API's [`Client`], or the generated client of another host.
/// Its runtime holds the retry policy, the rate limit and the credential of that host.
pub(crate) trait Sender: Sync {
    fn runtime(&self) -> &Runtime;

    /// The secret to clear out of what the server sends back.
    fn token(&self) -> &str {
        self.runtime().secret()
    }
}

impl Sender for Client {
    fn runtime(&self) -> &Runtime {
        Client::runtime(self)
    }
}

impl Sender for crate::generated::Client {
    fn runtime(&self) -> &Runtime {
        &self.inner
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
    O::Failure: DeserializeOwned + serde::Serialize + Send,
{
    ready::<O>(client)?;
    let Sent { result, attempts } = send(client.runtime(), operation).await;
    match result {
        Ok(rv) => {
            let response = success(rv, attempts);
            let status = response.http_status;
            let token: Arc<str> = Arc::from(client.token());
            let request_id = response.request_id().map(|id| redact(id, Some(&token)));
            Ok(response.map(|body| {
                ByteStream::new(body.into_inner().map(move |chunk| {
                    chunk.map_err(|e| broken_body(Arc::new(e), status, request_id.clone(), Some(&token)))
                }))
            }))
        }
        // A stream is never decoded: a decoding error can only be the error body's.
        Err(e) => Err(failure::<O::Failure>(e, client.token())),
    }
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
    let Sent { result, attempts } = send(client.runtime(), operation).await;
    let token = Some(client.token());
    let e = match result {
        Ok(rv) => return Ok(success(rv, attempts)),
        Err(GenError::ErrorResponse(rv)) => {
            let headers = rv.headers();
            return Err(Error::Api(Box::new(ApiError {
                status: rv.status(),
                rate_limit: RateLimit::from_headers(headers),
                retry_after: retry_after(headers),
                request_id: redacted_request_id(headers, token),
                id: String::new(),
                message: String::new(),
            })));
        }
        // The other outcomes carry no body: the same error as any call's, but that a
        // presigned URL, which grants access while it lasts, is not quoted by reqwest's.
        Err(GenError::InvalidRequest(m)) => GenError::InvalidRequest(m),
        Err(GenError::CommunicationError(e)) => GenError::CommunicationError(unquoted(e, client)),
        Err(GenError::InvalidUpgrade(e)) => GenError::InvalidUpgrade(unquoted(e, client)),
        Err(GenError::ResponseBodyError(e)) => GenError::ResponseBodyError(unquoted(e, client)),
        Err(GenError::InvalidResponsePayload(b, e)) => GenError::InvalidResponsePayload(b, e),
        Err(GenError::UnexpectedResponse(r)) => GenError::UnexpectedResponse(r),
        Err(GenError::Custom(m)) => GenError::Custom(m),
    };
    Err(failure::<serde_json::Value>(e, client.token()))
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
    O::Failure: DeserializeOwned + serde::Serialize + Send,
{
    ready::<O>(client)?;
    let Sent { result, attempts } = send(client.runtime(), operation).await;
    match result {
        Ok(rv) => Ok(success(rv, attempts).map(f)),
        Err(e) => Err(failure::<O::Failure>(e, client.token())),
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

fn success<T>(rv: ResponseValue<T>, attempts: u32) -> Response<T> {
    let (rate_limit, request_id) = scan(rv.headers());
    let request_id = request_id.cloned();
    let http_status = rv.status();
    Response { value: rv.into_inner(), http_status, rate_limit, request_id, attempts }
}

/// The error a failed call comes to. Out of line: kept out of the success path, its code does
/// not crowd the instruction cache on every call.
#[cold]
#[inline(never)]
fn failure<E: serde::Serialize>(e: GenError<E>, token: &str) -> Error {
    let token = Some(token);
    match e {
        GenError::ErrorResponse(rv) => {
            let headers = rv.headers();
            let status = rv.status();
            let rate_limit = RateLimit::from_headers(headers);
            let retry_after = retry_after(headers);
            let header_id = request_id(headers);
            let body = ErrorBody::of(&rv.into_inner());
            let api = ApiError {
                status,
                rate_limit,
                retry_after,
                request_id: body.request_id.or(header_id).map(|id| redact(&id, token)),
                id: redact(&body.id, token),
                message: redact(&body.message, token),
            };
            Error::Api(Box::new(api))
        }
        GenError::UnexpectedResponse(mut response) => {
            let status = response.status();
            let request_id = redacted_request_id(response.headers(), token);
            let undecodable = response.extensions_mut().remove::<Undecodable>();
            match response.extensions_mut().remove::<BodyRead>() {
                Some(BodyRead::TooLarge(t)) => Error::ResponseTooLarge { status, request_id, limit: t.limit },
                Some(BodyRead::Broken(e)) => broken_body(e, status, request_id, token),
                Some(BodyRead::Whole(body)) => match undecodable {
                    Some(Undecodable(err)) => {
                        let path = json_path::at_error(&body, &err);
                        let reason = match &path {
                            Some(path) => format!("at `{path}`: {err}"),
                            None => err.to_string(),
                        };
                        Error::Decode {
                            status: Some(status),
                            request_id,
                            path,
                            reason: redact(&reason, token),
                            excerpt: excerpt(&body, 200, token),
                            body: Some(Box::new(whole(&body, token))),
                            source: Some(cleared(shared_source(err), token)),
                        }
                    }
                    None => unexpected(status, request_id, response.headers(), Some((&body, token))),
                },
                None => unexpected(status, request_id, response.headers(), None),
            }
        }
        GenError::CommunicationError(source)
        | GenError::ResponseBodyError(source)
        | GenError::InvalidUpgrade(source) => {
            if source.is_timeout() {
                Error::Timeout { source }
            } else {
                Error::Transport { source }
            }
        }
        GenError::InvalidResponsePayload(body, err) => Error::Decode {
            status: None,
            request_id: None,
            path: None,
            reason: redact(&err.to_string(), token),
            excerpt: excerpt(&body, 200, token),
            body: Some(Box::new(whole(&body, token))),
            source: Some(cleared(Box::new(err), token)),
        },
        GenError::InvalidRequest(message) | GenError::Custom(message) => Error::InvalidRequest(message),
    }
}

/// `body` is the whole body and the token to clear out of it, when the body arrived whole.
fn unexpected(
    status: StatusCode,
    request_id: Option<String>,
    headers: &HeaderMap,
    body: Option<(&[u8], Option<&str>)>,
) -> Error {
    let location = headers.get(LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (excerpt, body) = match body {
        Some((body, token)) => (excerpt(body, 200, token), Some(Box::new(whole(body, token)))),
        None => (String::new(), None),
    };
    Error::UnexpectedStatus { status, request_id, location, excerpt, body }
}

/// The status line and headers arrived, then the body broke off or stalled.
fn broken_body(e: Arc<reqwest::Error>, status: StatusCode, request_id: Option<String>, token: Option<&str>) -> Error {
    let reason = redact(&format!("the body broke off: {}", root_cause(&*e)), token);
    match Arc::try_unwrap(e) {
        Ok(source) if source.is_timeout() => Error::Timeout { source },
        Ok(source) => Error::Decode {
            status: Some(status),
            request_id,
            path: None,
            reason,
            excerpt: String::new(),
            body: None,
            source: Some(cleared(Box::new(source), token)),
        },
        Err(shared) => Error::Decode {
            status: Some(status),
            request_id,
            path: None,
            reason,
            excerpt: String::new(),
            body: None,
            source: Some(cleared(Box::new(SharedError(shared)), token)),
        },
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

/// The decode error itself when this is its only holder (it always is: the response carried
/// it, and the response is gone).
fn shared_source(err: Arc<serde_json::Error>) -> Box<dyn std::error::Error + Send + Sync> {
    match Arc::try_unwrap(err) {
        Ok(err) => Box::new(err),
        Err(shared) => Box::new(SharedError(shared)),
    }
}

/// An error still shared with another holder, shown as itself.
#[derive(Debug)]
struct SharedError<E>(Arc<E>);

impl<E: std::fmt::Display> std::fmt::Display for SharedError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<E: std::error::Error> std::error::Error for SharedError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

fn redacted_request_id(headers: &HeaderMap, token: Option<&str>) -> Option<String> {
    request_id(headers).map(|id| redact(&id, token))
}
