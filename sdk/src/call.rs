//! One SDK call around a generated builder: what the hooks saw (status, headers, attempts) is
//! recorded in a task-local, so that every error, even one whose body did not decode, carries
//! the status and request id; and progenitor's error is turned into [`Error`].

use std::cell::RefCell;
use std::future::Future;
use std::ops::Deref;

use progenitor_client::{Error as GenError, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue, LOCATION};
use serde::de::DeserializeOwned;

use crate::body;
use crate::config::Token;
use crate::error::{ApiError, Error, excerpt, redact};
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
    token: Option<Token>,
}

tokio::task_local! {
    static RECORD: RefCell<Record>;
}

/// The token in use, to be redacted from whatever the server sends back into an error.
pub(crate) fn record_token(token: Option<&Token>) {
    let _ = RECORD.try_with(|r| r.borrow_mut().token = token.cloned());
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
    T: DeserializeOwned,
    F: Future<Output = Result<ResponseValue<T>, GenError<types::Error>>>,
{
    // The builder's future is a few KiB; boxed once here, it is not copied again into every
    // future that awaits this one (`convert` → `start` → `run`), which measured slower.
    let send = Box::pin(send);
    RECORD.scope(RefCell::new(Record::default()), async move {
        let result = send.await;
        let record = RECORD.with(RefCell::take);
        let (status, attempts) = (record.status, record.attempts);
        let recorded_id = record.request_id.as_ref();
        let token = record.token.as_ref().map(Token::expose);
        match result {
            Ok(rv) => {
                // A success always passed through the hooks, which read its headers
                // already; parse them here only for a response they did not see.
                let (rate_limit, request_id) = if status.is_some() {
                    (record.rate_limit, recorded_id.and_then(header_text))
                } else {
                    (RateLimit::from_headers(rv.headers()), request_id(rv.headers()))
                };
                Ok(Response {
                    status: rv.status(),
                    rate_limit,
                    request_id,
                    attempts: attempts.max(1),
                    value: rv.into_inner(),
                })
            }
            // A status the operation does not describe: its body (already in memory, read
            // by the hooks within the size limit) is worth showing.
            Err(GenError::UnexpectedResponse(response)) => {
                let status = response.status();
                let request_id = redacted_request_id(response.headers(), token);
                let location = response.headers().get(LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
                let excerpt = match response.bytes().await {
                    Ok(body) => excerpt(&body, 200, token),
                    Err(e) => match body::too_large(&e) {
                        Some(t) => return Err(Error::ResponseTooLarge { status, request_id, limit: t.limit }),
                        None => String::new(),
                    },
                };
                Err(Error::UnexpectedStatus { status, request_id, location, excerpt })
            }
            // serde_json says what is wrong but not where; decoding again (only on this
            // failure path) with the path tracked names the field: `action.id`.
            Err(GenError::InvalidResponsePayload(body, err)) => {
                let path = match status {
                    Some(s) if !s.is_success() => field_path::<types::Error>(&body),
                    _ => field_path::<T>(&body),
                };
                let reason = match path {
                    Some(path) => format!("at `{path}`: {err}"),
                    None => err.to_string(),
                };
                Err(Error::Decode {
                    status,
                    request_id: recorded_id.and_then(header_text).map(|id| redact(&id, token)),
                    reason: redact(&reason, token),
                    excerpt: excerpt(&body, 200, token),
                })
            }
            Err(e) => Err(convert(e, status, recorded_id, token)),
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
