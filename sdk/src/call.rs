//! One SDK call around a generated builder: what the hooks saw (status, headers, attempts) is
//! recorded in a task-local, so that every error, even one whose body did not decode, carries
//! the status and request id; and progenitor's error is turned into [`Error`].

use std::cell::RefCell;
use std::future::Future;
use std::ops::Deref;

use progenitor_client::{Error as GenError, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::config::Token;
use crate::error::{ApiError, Error, excerpt, redact};
use crate::rate_limit::{request_id, retry_after};
use crate::{RateLimit, types};

#[derive(Default)]
struct Record {
    status: Option<StatusCode>,
    headers: Option<HeaderMap>,
    attempts: u32,
    token: Option<Token>,
}

tokio::task_local! {
    static RECORD: RefCell<Record>;
}

pub(crate) fn record_attempt() {
    let _ = RECORD.try_with(|r| r.borrow_mut().attempts += 1);
}

/// The token in use, to be redacted from whatever the server sends back into an error.
pub(crate) fn record_token(token: Option<&Token>) {
    let _ = RECORD.try_with(|r| r.borrow_mut().token = token.cloned());
}

pub(crate) fn record_response(status: StatusCode, headers: &HeaderMap) {
    let _ = RECORD.try_with(|r| {
        let mut r = r.borrow_mut();
        r.status = Some(status);
        r.headers = Some(headers.clone());
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
pub async fn run<T, F>(send: F) -> Result<Response<T>, Error>
where
    F: Future<Output = Result<ResponseValue<T>, GenError<types::Error>>>,
{
    RECORD
        .scope(RefCell::new(Record::default()), async move {
            let result = send.await;
            let (status, headers, attempts, token) = RECORD.with(|r| {
                let mut r = r.borrow_mut();
                (r.status, r.headers.take(), r.attempts, r.token.take())
            });
            match result {
                Ok(rv) => Ok(Response {
                    status: rv.status(),
                    rate_limit: RateLimit::from_headers(rv.headers()),
                    request_id: request_id(rv.headers()),
                    attempts: attempts.max(1),
                    value: rv.into_inner(),
                }),
                Err(e) => Err(convert(e, status, headers.as_ref(), token.as_ref().map(Token::expose))),
            }
        })
        .await
}

/// Converts progenitor's error, using what the hooks recorded for what it lacks. Text from the
/// server is cleared of `token`: a proxy's error page may quote the request's headers.
pub(crate) fn convert(
    e: GenError<types::Error>,
    status: Option<StatusCode>,
    headers: Option<&HeaderMap>,
    token: Option<&str>,
) -> Error {
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
            request_id: headers.and_then(request_id).map(|id| redact(&id, token)),
            reason: redact(&err.to_string(), token),
            excerpt: excerpt(&body, 200, token),
        },
        GenError::UnexpectedResponse(response) => Error::UnexpectedStatus {
            status: response.status(),
            request_id: request_id(response.headers()).map(|id| redact(&id, token)),
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
                    request_id: headers.and_then(request_id).map(|id| redact(&id, token)),
                    reason: redact(&source.to_string(), token),
                    excerpt: String::new(),
                }
            } else {
                Error::Transport { source }
            }
        }
        GenError::InvalidRequest(message) | GenError::Custom(message) => Error::InvalidRequest(message),
    }
}
