//! Which failures are retried, and how long to wait in between.
//!
//! | request | retried on | never retried on |
//! |---|---|---|
//! | `GET` (and other idempotent methods) | connect errors, timeouts, connection resets, a body cut short or stalled, 408, 429, 500, 502, 503, 504 (any body, HTML included) | other 4xx, 501, 505+, 3xx (redirects are not followed), a complete body that does not decode, a body over the size limit |
//! | `POST` (starts an action) | 429, and a connection refused before anything was sent | 5xx, timeouts, resets and bodies cut short after sending: the server may have started the action |
//!
//! | a `DELETE` that gets 404 | reported as |
//! |---|---|
//! | on its first attempt, or after attempts that certainly did nothing (a refused connection, 429, 408) | the 404 error: there was nothing to delete |
//! | on a retry after an attempt whose outcome is unknown (a timeout, a reset or a body cut short after sending, a 5xx) | success with no body: that attempt deleted it (only for a DELETE whose success has no body) |
//!
//! Waits honour `Retry-After` (seconds or an HTTP date) and, on a 429 with no requests left,
//! `ratelimit-reset`; when the server asks for a longer wait than [`RetryPolicy::max_retry_wait`]
//! the error is returned at once, with the wait in it. Other waits are exponential with full
//! jitter: a random time between zero and `min(max_delay, base_delay * 2^retry)`. No retry
//! starts after the overall deadline.

use std::time::Duration;

use reqwest::{Method, StatusCode};

/// How the SDK retries failed requests. The default makes up to 4 attempts within 60 s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    deadline: Option<Duration>,
    max_retry_wait: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            deadline: Some(Duration::from_secs(60)),
            max_retry_wait: Duration::from_secs(60),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..Self::default() }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first backoff step; each retry doubles it.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The largest backoff step (the cap of the exponential).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// No retry starts later than this after the first attempt; `None` for no deadline.
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// The longest wait a server may ask for with `Retry-After` or `ratelimit-reset`; a longer
    /// request ends the retries and returns the error.
    pub fn max_retry_wait(mut self, wait: Duration) -> Self {
        self.max_retry_wait = wait;
        self
    }

    /// Full jitter on backoff steps (on by default); off makes waits exact, for tests.
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Attempts in all.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The overall deadline.
    pub fn overall_deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// The backoff before retry number `retry` (1 for the first retry), before jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// The backoff with jitter applied, when it is on.
    pub(crate) fn jittered_backoff(&self, retry: u32) -> Duration {
        let step = self.backoff(retry);
        if self.jitter && !step.is_zero() { step.mul_f64(fastrand::f64()) } else { step }
    }

    pub(crate) fn max_retry_wait_value(&self) -> Duration {
        self.max_retry_wait
    }
}

/// What became of one attempt, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Attempt {
    /// The server answered with this status.
    Status(StatusCode),
    /// The connection could not be opened: nothing was sent.
    ConnectFailed,
    /// The attempt timed out (the request may have reached the server).
    TimedOut,
    /// The connection broke after the request may have been sent.
    Broken,
}

/// Whether an attempt that ended like this may be retried for this method.
pub(crate) fn is_retryable(method: &Method, attempt: Attempt) -> bool {
    let idempotent =
        matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE | Method::TRACE);
    match attempt {
        Attempt::ConnectFailed => true,
        Attempt::Status(StatusCode::TOO_MANY_REQUESTS) => true,
        Attempt::Status(s) => {
            idempotent
                && matches!(
                    s,
                    StatusCode::REQUEST_TIMEOUT
                        | StatusCode::INTERNAL_SERVER_ERROR
                        | StatusCode::BAD_GATEWAY
                        | StatusCode::SERVICE_UNAVAILABLE
                        | StatusCode::GATEWAY_TIMEOUT
                )
        }
        Attempt::TimedOut | Attempt::Broken => idempotent,
    }
}

/// Whether an attempt that ended like this may have been carried out by the server: the
/// request may have reached it and no answer says it was not acted on.
pub(crate) fn outcome_unknown(attempt: Attempt) -> bool {
    match attempt {
        Attempt::TimedOut | Attempt::Broken => true,
        Attempt::Status(s) => s.is_server_error(),
        Attempt::ConnectFailed => false,
    }
}

/// Whether a 404 (`status`) to a `method` request means it succeeded already: a DELETE that
/// finds nothing after an attempt whose outcome was unknown deleted it on that attempt.
pub(crate) fn found_gone(method: &Method, unknown_before: bool, status: StatusCode) -> bool {
    *method == Method::DELETE && unknown_before && status == StatusCode::NOT_FOUND
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_is_retried_only_when_nothing_was_processed() {
        let post = Method::POST;
        assert!(is_retryable(&post, Attempt::Status(StatusCode::TOO_MANY_REQUESTS)));
        assert!(is_retryable(&post, Attempt::ConnectFailed));
        for s in [500, 502, 503, 504, 408] {
            assert!(!is_retryable(&post, Attempt::Status(StatusCode::from_u16(s).unwrap())), "{s}");
        }
        assert!(!is_retryable(&post, Attempt::TimedOut));
        assert!(!is_retryable(&post, Attempt::Broken));
    }

    #[test]
    fn get_is_retried_on_transient_failures() {
        let get = Method::GET;
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(is_retryable(&get, Attempt::Status(StatusCode::from_u16(s).unwrap())), "{s}");
        }
        for s in [400, 401, 403, 404, 422, 501] {
            assert!(!is_retryable(&get, Attempt::Status(StatusCode::from_u16(s).unwrap())), "{s}");
        }
        assert!(is_retryable(&get, Attempt::TimedOut));
        assert!(is_retryable(&get, Attempt::Broken));
    }

    #[test]
    fn a_delete_is_found_gone_only_on_a_404_after_an_unknown_outcome() {
        let delete = Method::DELETE;
        assert!(found_gone(&delete, true, StatusCode::NOT_FOUND));
        assert!(!found_gone(&delete, false, StatusCode::NOT_FOUND), "a first 404 is an error");
        assert!(!found_gone(&delete, true, StatusCode::GONE));
        assert!(!found_gone(&Method::GET, true, StatusCode::NOT_FOUND));
        for unknown in [Attempt::TimedOut, Attempt::Broken, Attempt::Status(StatusCode::BAD_GATEWAY)] {
            assert!(outcome_unknown(unknown), "{unknown:?}");
        }
        for known in [
            Attempt::ConnectFailed,
            Attempt::Status(StatusCode::TOO_MANY_REQUESTS),
            Attempt::Status(StatusCode::REQUEST_TIMEOUT),
        ] {
            assert!(!outcome_unknown(known), "{known:?}");
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = RetryPolicy::default().base_delay(Duration::from_millis(100)).max_delay(Duration::from_millis(350));
        assert_eq!(p.backoff(1), Duration::from_millis(100));
        assert_eq!(p.backoff(2), Duration::from_millis(200));
        assert_eq!(p.backoff(3), Duration::from_millis(350));
        assert_eq!(p.backoff(40), Duration::from_millis(350));
        let jittered = p.jittered_backoff(2);
        assert!(jittered <= Duration::from_millis(200));
    }
}
