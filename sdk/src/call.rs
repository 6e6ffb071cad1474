//! One SDK call around a generated builder: what the hooks saw (status, headers, attempts) is
//! recorded in a task-local, so that every error, even one whose body did not decode, carries
//! the status and request id; and progenitor's error is turned into [`Error`].

use std::cell::RefCell;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::time::{Duration, Instant};

use bytes::Bytes;
use progenitor_client::{Error as GenError, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue, LOCATION};
use serde::de::DeserializeOwned;

use crate::body;
use crate::config::Token;
use crate::error::{ApiError, Error, excerpt, redact};
use crate::rate_limit::{REQUEST_ID, request_id, retry_after};
use crate::{RateLimit, types};

/// What the hooks saw of the latest response. Only what the SDK reads is kept, never the
/// whole header map: copying it cost more than the rest of the bookkeeping together.
#[derive(Default)]
struct Record {
    status: Option<StatusCode>,
    rate_limit: Option<RateLimit>,
    request_id: Option<HeaderValue>,
    attempts: u32,
    token: Option<Token>,
    /// The body of the latest response, read by the hooks, for the generated code to take.
    body: Option<Bytes>,
    /// When the call started: the retry policy's overall deadline counts from here.
    started: Option<Instant>,
    /// Set by the hooks: the attempt failed and is to be made again after this wait.
    retry: Option<Duration>,
}

/// Where a call stands as the hooks begin an attempt.
pub(crate) struct InCall {
    pub(crate) started: Instant,
    /// Attempts made before this one.
    pub(crate) attempts: u32,
}

tokio::task_local! {
    // Boxed: the task-local is swapped in and out of thread-local storage on every poll of
    // the call, and a pointer is cheaper to swap than the record.
    static RECORD: Box<RefCell<Record>>;
}

/// Notes the token in use (to be redacted from whatever the server sends back into an error)
/// and says where the call stands; `None` outside a call: a generated builder used on its own.
pub(crate) fn begin_attempt(token: Option<&Token>) -> Option<InCall> {
    RECORD
        .try_with(|r| {
            let mut r = r.borrow_mut();
            if r.token.is_none() {
                r.token = token.cloned();
            }
            InCall { started: r.started.unwrap_or_else(Instant::now), attempts: r.attempts }
        })
        .ok()
}

/// Asks the call to make the attempt again, from its builder, after `wait`.
pub(crate) fn retry_in(wait: Duration) {
    let _ = RECORD.try_with(|r| r.borrow_mut().retry = Some(wait));
}

/// Keeps a body the hooks read for [`take_body`]; hands it back outside a call (a generated
/// builder used directly), where the caller carries it on the response instead.
///
/// One slot is enough: a call runs one request at a time, and the generated code takes the
/// body of each response right after the hooks return it.
pub(crate) fn keep_body(body: Bytes) -> Result<(), Bytes> {
    let mut body = Some(body);
    let _ = RECORD.try_with(|r| r.borrow_mut().body = body.take());
    body.map_or(Ok(()), Err)
}

/// The body [`keep_body`] kept, if any.
pub(crate) fn take_body() -> Option<Bytes> {
    RECORD.try_with(|r| r.borrow_mut().body.take()).ok().flatten()
}

/// What an attempt's response said: its status, rate limit and request id.
pub(crate) type Seen<'a> = (StatusCode, Option<RateLimit>, Option<&'a HeaderValue>);

/// Counts an attempt and notes what its response said; `None` when no response arrived.
pub(crate) fn record_attempt(seen: Option<Seen<'_>>) {
    let _ = RECORD.try_with(|r| {
        let mut r = r.borrow_mut();
        r.attempts += 1;
        if let Some((status, rate_limit, request_id)) = seen {
            r.status = Some(status);
            r.rate_limit = rate_limit;
            r.request_id = request_id.cloned();
        }
    });
}

/// A successful response: the decoded value and what the headers said. Derefs to the value.
#[derive(Clone, Debug)]
pub struct Response<T> {
    value: T,
    status: StatusCode,
    rate_limit: Option<RateLimit>,
    // Kept as the header value: most callers never ask, and a `String` would cost every call.
    request_id: Option<HeaderValue>,
    attempts: u32,
}

impl<T> Response<T> {
    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The rate limit as of this response.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.rate_limit
    }

    /// The `x-request-id` header.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_ref().and_then(|v| v.to_str().ok())
    }

    /// How many attempts the call took (1 unless it was retried).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Applies `f` to the value, keeping the response's metadata.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            value: f(self.value),
            status: self.status,
            rate_limit: self.rate_limit,
            request_id: self.request_id,
            attempts: self.attempts,
        }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// Sends a generated builder's request (`send` is `|b| b.send()`) and converts the result.
pub fn run<B, T, F>(builder: B, send: impl Fn(B) -> F) -> impl Future<Output = Result<Response<T>, Error>>
where
    B: Clone,
    T: DeserializeOwned,
    F: Future<Output = Result<ResponseValue<T>, GenError<types::Error>>>,
{
    run_map(builder, send, |value| value)
}

/// [`run`], then `f` on the value: `run_map(builder, |b| b.send(), |r| r.action)` unwraps the
/// API's envelope. A plain function rather than `async`, so that the resource methods built on
/// it can return this future as it is instead of wrapping (and copying) it in one more state
/// machine.
///
/// A retry sends a request built again from a copy of the builder (a few plain values),
/// rather than a copy of the request kept before every first attempt (the URL, the header
/// map and the body: four allocations on every call). The hooks decide whether to retry
/// and how long to wait, and say so in the call's record.
pub(crate) fn run_map<B, T, U, F>(
    builder: B,
    send: impl Fn(B) -> F,
    f: impl FnOnce(T) -> U,
) -> impl Future<Output = Result<Response<U>, Error>>
where
    B: Clone,
    T: DeserializeOwned,
    F: Future<Output = Result<ResponseValue<T>, GenError<types::Error>>>,
{
    let record = Record { started: Some(Instant::now()), ..Record::default() };
    RECORD.scope(Box::new(RefCell::new(record)), async move {
        let result = loop {
            // The builder's future is a few KiB; boxed, it is not copied again into every
            // future that awaits this one, which measured slower.
            let result = Box::pin(send(builder.clone())).await;
            match RECORD.with(|r| r.borrow_mut().retry.take()) {
                Some(wait) => {
                    drop(result);
                    // Boxed: a timer is a few hundred bytes that only a retry needs.
                    Box::pin(tokio::time::sleep(wait)).await;
                }
                None => break result,
            }
        };
        let record = RECORD.with(|r| r.take());
        match result {
            Ok(rv) => {
                // A success always passed through the hooks, which read its headers
                // already; parse them here only for a response they did not see.
                let (rate_limit, request_id) = if record.status.is_some() {
                    (record.rate_limit, record.request_id)
                } else {
                    (RateLimit::from_headers(rv.headers()), rv.headers().get(&REQUEST_ID).cloned())
                };
                Ok(Response {
                    status: rv.status(),
                    rate_limit,
                    request_id,
                    attempts: record.attempts.max(1),
                    value: f(rv.into_inner()),
                })
            }
            Err(e) => Err(failure::<T>(e, record).await),
        }
    })
}

/// The error a failed call comes to. Out of line and behind a pointer: kept out of the
/// success path, its code does not crowd the instruction cache on every call.
#[cold]
#[inline(never)]
fn failure<T: DeserializeOwned>(
    e: GenError<types::Error>,
    record: Record,
) -> Pin<Box<dyn Future<Output = Error> + Send>> {
    Box::pin(async move {
        let kept_body = record.body;
        let status = record.status;
        let recorded_id = record.request_id.as_ref();
        let token = record.token.as_ref().map(Token::expose);
        match e {
            // A status the operation does not describe: its body (already in memory, read
            // by the hooks within the size limit) is worth showing.
            GenError::UnexpectedResponse(response) => {
                let status = response.status();
                let request_id = redacted_request_id(response.headers(), token);
                let location = response.headers().get(LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
                // The hooks' read of it was kept in the record, which this call has taken.
                let read = match kept_body {
                    Some(body) => Ok(body),
                    None => body::bytes(response).await,
                };
                let excerpt = match read {
                    Ok(body) => excerpt(&body, 200, token),
                    Err(e) => match body::too_large(&e) {
                        Some(t) => return Error::ResponseTooLarge { status, request_id, limit: t.limit },
                        None => String::new(),
                    },
                };
                Error::UnexpectedStatus { status, request_id, location, excerpt }
            }
            // serde_json says what is wrong but not where; decoding again (only on this
            // failure path) with the path tracked names the field: `action.id`.
            GenError::InvalidResponsePayload(body, err) => {
                let path = match status {
                    Some(s) if !s.is_success() => field_path::<types::Error>(&body),
                    _ => field_path::<T>(&body),
                };
                let reason = match path {
                    Some(path) => format!("at `{path}`: {err}"),
                    None => err.to_string(),
                };
                Error::Decode {
                    status,
                    request_id: recorded_id.and_then(header_text).map(|id| redact(&id, token)),
                    reason: redact(&reason, token),
                    excerpt: excerpt(&body, 200, token),
                }
            }
            e => convert(e, status, recorded_id, token),
        }
    })
}

fn header_text(value: &HeaderValue) -> Option<String> {
    value.to_str().ok().map(str::to_owned)
}

/// Where in `body` decoding as `T` fails, as a dotted path; `None` at the top level.
fn field_path<T: DeserializeOwned>(body: &[u8]) -> Option<String> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let err = serde_path_to_error::deserialize::<_, T>(&mut de).err()?;
    let path = err.path().to_string();
    (path != ".").then_some(path)
}

fn redacted_request_id(headers: &HeaderMap, token: Option<&str>) -> Option<String> {
    request_id(headers).map(|id| redact(&id, token))
}

/// Converts progenitor's error, using what the hooks recorded for what it lacks. Text from the
/// server is cleared of `token`: a proxy's error page may quote the request's headers.
pub(crate) fn convert(
    e: GenError<types::Error>,
    status: Option<StatusCode>,
    recorded_id: Option<&HeaderValue>,
    token: Option<&str>,
) -> Error {
    let recorded_request_id = || recorded_id.and_then(header_text).map(|id| redact(&id, token));
    match e {
        GenError::ErrorResponse(rv) => {
            let headers = rv.headers();
            let api = ApiError {
                status: rv.status(),
                rate_limit: RateLimit::from_headers(headers),
                retry_after: retry_after(headers),
                request_id: rv.request_id.clone().or_else(|| request_id(headers)).map(|id| redact(&id, token)),
                id: redact(&rv.id, token),
                message: redact(&rv.message, token),
            };
            Error::Api(Box::new(api))
        }
        GenError::InvalidResponsePayload(body, err) => Error::Decode {
            status,
            request_id: recorded_request_id(),
            reason: redact(&err.to_string(), token),
            excerpt: excerpt(&body, 200, token),
        },
        GenError::UnexpectedResponse(response) => Error::UnexpectedStatus {
            status: response.status(),
            request_id: redacted_request_id(response.headers(), token),
            location: response.headers().get(LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned),
            excerpt: String::new(),
        },
        GenError::CommunicationError(source)
        | GenError::ResponseBodyError(source)
        | GenError::InvalidUpgrade(source) => {
            // The hooks read every body; one over the size limit fails with this marker.
            if let (Some(t), Some(status)) = (body::too_large(&source), status) {
                return Error::ResponseTooLarge { status, request_id: recorded_request_id(), limit: t.limit };
            }
            if source.is_timeout() {
                Error::Timeout { source }
            } else if status.is_some() && (source.is_decode() || source.is_body()) {
                // The status line and headers arrived, then the body broke off.
                Error::Decode {
                    status,
                    request_id: recorded_request_id(),
                    reason: redact(&format!("the body broke off: {}", body::root_cause(&source)), token),
                    excerpt: String::new(),
                }
            } else {
                Error::Transport { source }
            }
        }
        GenError::InvalidRequest(message) | GenError::Custom(message) => Error::InvalidRequest(message),
    }
}
