//! One SDK call around a generated builder: what the hooks saw (status, headers, attempts) is
//! recorded in a task-local, so that every error, even one whose body did not decode, carries
//! the status and request id; and progenitor's error is turned into [`Error`].

use std::cell::RefCell;
use std::future::Future;
use std::ops::Deref;

use progenitor_client::{Error as GenError, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::HeaderValue;

use crate::error::{ApiError, Error, excerpt};
use crate::rate_limit::{request_id, retry_after};
use crate::{RateLimit, types};

/// What the hooks saw of the latest response. Only what the SDK reads is kept, never the
/// whole header map: copying it cost more than the rest of the bookkeeping together.
#[derive(Default)]
struct Record {
    status: Option<StatusCode>,
    rate_limit: Option<RateLimit>,
    request_id: Option<HeaderValue>,
    attempts: u32,
}

tokio::task_local! {
    static RECORD: RefCell<Record>;
}

pub(crate) fn record_attempt() {
    let _ = RECORD.try_with(|r| r.borrow_mut().attempts += 1);
}

pub(crate) fn record_response(status: StatusCode, rate_limit: Option<RateLimit>, request_id: Option<&HeaderValue>) {
    let _ = RECORD.try_with(|r| {
        let mut r = r.borrow_mut();
        r.status = Some(status);
        r.rate_limit = rate_limit;
        r.request_id = request_id.cloned();
    });
}

/// A successful response: the decoded value and what the headers said. Derefs to the value.
#[derive(Clone, Debug)]
pub struct Response<T> {
    value: T,
    status: StatusCode,
    rate_limit: Option<RateLimit>,
    request_id: Option<String>,
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
        self.request_id.as_deref()
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

/// Runs a generated builder's `send()` and converts its result.
pub fn run<T, F>(send: F) -> impl Future<Output = Result<Response<T>, Error>>
where
    F: Future<Output = Result<ResponseValue<T>, GenError<types::Error>>>,
{
    // The builder's future is a few KiB; boxed once here, it is not copied again into every
    // future that awaits this one (`convert` → `start` → `run`), which measured slower.
    let send = Box::pin(send);
    RECORD.scope(RefCell::new(Record::default()), async move {
        let result = send.await;
        let record = RECORD.with(RefCell::take);
        match result {
            Ok(rv) => {
                // A success always passed through the hooks, which read its headers
                // already; parse them here only for a response they did not see.
                let (rate_limit, request_id) = if record.status.is_some() {
                    (record.rate_limit, record.request_id.as_ref().and_then(header_text))
                } else {
                    (RateLimit::from_headers(rv.headers()), request_id(rv.headers()))
                };
                Ok(Response {
                    status: rv.status(),
                    rate_limit,
                    request_id,
                    attempts: record.attempts.max(1),
                    value: rv.into_inner(),
                })
            }
            Err(e) => Err(convert(e, record.status, record.request_id.as_ref())),
        }
    })
}

fn header_text(value: &HeaderValue) -> Option<String> {
    value.to_str().ok().map(str::to_owned)
}

/// Converts progenitor's error, using what the hooks recorded for what it lacks.
pub(crate) fn convert(
    e: GenError<types::Error>,
    status: Option<StatusCode>,
    recorded_id: Option<&HeaderValue>,
) -> Error {
    match e {
        GenError::ErrorResponse(rv) => {
            let headers = rv.headers();
            let api = ApiError {
                status: rv.status(),
                rate_limit: RateLimit::from_headers(headers),
                retry_after: retry_after(headers),
                request_id: rv.request_id.clone().or_else(|| request_id(headers)),
                id: rv.id.clone(),
                message: rv.message.clone(),
            };
            Error::Api(Box::new(api))
        }
        GenError::InvalidResponsePayload(body, err) => Error::Decode {
            status,
            request_id: recorded_id.and_then(header_text),
            reason: err.to_string(),
            excerpt: excerpt(&body, 200),
        },
        GenError::UnexpectedResponse(response) => Error::UnexpectedStatus {
            status: response.status(),
            request_id: request_id(response.headers()),
            excerpt: String::new(),
        },
        GenError::CommunicationError(source)
        | GenError::ResponseBodyError(source)
        | GenError::InvalidUpgrade(source) => {
            if source.is_timeout() {
                Error::Timeout { source }
            } else if source.is_decode() || source.is_body() {
                Error::Decode {
                    status,
                    request_id: recorded_id.and_then(header_text),
                    reason: source.to_string(),
                    excerpt: String::new(),
                }
            } else {
                Error::Transport { source }
            }
        }
        GenError::InvalidRequest(message) | GenError::Custom(message) => Error::InvalidRequest(message),
    }
}
