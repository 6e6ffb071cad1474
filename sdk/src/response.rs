//! A successful response: the decoded value and what came with it.

use std::ops::Deref;

use reqwest::StatusCode;
use reqwest::header::HeaderValue;

use crate::RateLimit;

/// A successful response: the decoded value, the HTTP status, the rate limit, the request id
/// and how many attempts the call took. Derefs to the value, so `response.status` is the
/// value's own field (an action's status) and [`Response::http_status`] the HTTP one.
#[derive(Clone, Debug)]
pub struct Response<T> {
    pub(crate) value: T,
    pub(crate) http_status: StatusCode,
    pub(crate) rate_limit: Option<RateLimit>,
    // Kept as the header value: most callers never ask, and a `String` would cost every call.
    pub(crate) request_id: Option<HeaderValue>,
    pub(crate) attempts: u32,
}

impl<T> Response<T> {
    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The HTTP status.
    pub fn http_status(&self) -> StatusCode {
        self.http_status
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
            http_status: self.http_status,
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
