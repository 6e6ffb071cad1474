//! The retry loop: the one place that decides whether an attempt is made again, and when.
//!
//! Each attempt is the generated builder's own `send`, on a copy of the builder (a few plain
//! values), so nothing of a request is kept in case it must be sent again. What an attempt came
//! to is read from its result alone: the status and headers of any response, the body's fate
//! from [`BodyRead`], the transport's error kind.

use std::time::{Duration, Instant};

use progenitor_client::{Error as GenError, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tracing::Instrument;

use super::body::{BodyRead, Undecodable};
use super::rate_limit::{RateLimit, retry_after, scan};
use super::retry::{Attempt, found_gone, is_retryable, outcome_unknown};
use super::{Operation, Runtime};

/// The final attempt's result, and how many attempts it took.
pub(crate) struct Sent<T, E> {
    pub(crate) result: Result<ResponseValue<T>, GenError<E>>,
    pub(crate) attempts: u32,
}

/// Sends `operation`, retrying as the policy and the retry table allow: `GET`, `PUT` and
/// `DELETE` on transient failures, `POST` and `PATCH` only when the server certainly did not
/// act (a refused connection, a 429). Waits honour `Retry-After` and `ratelimit-reset`, capped;
/// no retry starts after the overall deadline. A `DELETE` without a body whose retry gets 404
/// after an attempt of unknown outcome succeeded on that attempt, and is reported as a success.
pub(crate) async fn send<O: Operation>(runtime: &Runtime, operation: O) -> Sent<O::Value, O::Failure> {
    // Only what needs the operation's types is here: this function is compiled once per
    // operation, the decisions in `Loop` once.
    let mut state = Loop { started: Instant::now(), attempt: 1, unknown_before: false };
    let mut operation = operation;
    loop {
        // A copy for the next attempt, while one is allowed; the attempt takes the builder.
        let spare = if state.attempt < runtime.retry.attempts() { operation.try_clone() } else { None };
        let span = state.span(O::ID, &O::METHOD, O::PATH);
        // Without a subscriber the span is disabled: no clock reads, and no wrapper entering
        // and leaving it on every poll (with tracing's `log` feature, which any crate of the
        // build may turn on, that would be two log records per poll). The builder's future is
        // boxed: a few KiB, not copied into every future around it.
        let result = if span.is_disabled() {
            Box::pin(operation.send()).await
        } else {
            let sent_at = Instant::now();
            let result = Box::pin(operation.send()).instrument(span.clone()).await;
            span.record("elapsed_ms", sent_at.elapsed().as_millis() as u64);
            result
        };
        let seen = Seen::of(&result);
        let gone = O::gone();
        match state.next(runtime, &span, &seen, &O::METHOD, gone.is_some(), spare.is_some()) {
            Next::Gone(status) => {
                let headers = seen.headers.cloned().unwrap_or_default();
                if let Some(value) = gone {
                    return Sent { result: Ok(ResponseValue::new(value, status, headers)), attempts: state.attempt };
                }
            }
            Next::Retry(wait) => {
                if let Some(next) = spare {
                    drop(result);
                    // Boxed: a timer is a few hundred bytes that only a retry needs.
                    Box::pin(tokio::time::sleep(wait)).await;
                    state.attempt += 1;
                    operation = next;
                    continue;
                }
            }
            Next::Final => {}
        }
        return Sent { result, attempts: state.attempt };
    }
}

/// Where the retry loop stands, apart from the operation.
struct Loop {
    started: Instant,
    attempt: u32,
    /// Some earlier attempt may have been carried out (a timeout, a reset, a 5xx): a DELETE
    /// that then finds nothing did its work on that attempt.
    unknown_before: bool,
}

/// What comes after an attempt.
enum Next {
    /// A DELETE found nothing after an attempt of unknown outcome: it succeeded then; the
    /// status and headers stay the 404's, what the server last said.
    Gone(StatusCode),
    Retry(Duration),
    Final,
}

impl Loop {
    fn span(&self, id: &'static str, method: &reqwest::Method, path: &'static str) -> tracing::Span {
        tracing::info_span!(
            "digitalocean.request",
            operation = id,
            method = %method,
            path = path,
            attempt = self.attempt,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        )
    }

    /// Records what the attempt said (on the span, and the rate limit on the runtime) and
    /// decides what comes next. `gone_is_success`: the operation is a DELETE without a body;
    /// `spare`: a copy for another attempt is at hand.
    fn next(
        &mut self,
        runtime: &Runtime,
        span: &tracing::Span,
        seen: &Seen<'_>,
        method: &reqwest::Method,
        gone_is_success: bool,
        spare: bool,
    ) -> Next {
        let policy = &runtime.retry;
        let rate_limit = seen.headers.and_then(|headers| {
            let (rate_limit, request_id) = scan(headers);
            if !span.is_disabled()
                && let Some(id) = request_id.and_then(|v| v.to_str().ok())
            {
                span.record("request_id", id);
            }
            rate_limit
        });
        if let Some(status) = seen.status {
            span.record("status", status.as_u16());
        }
        if let Some(rl) = rate_limit {
            runtime.remember(rl);
        }
        if let Some(status) = seen.status
            && gone_is_success
            && found_gone(method, self.unknown_before, status)
        {
            span.in_scope(|| tracing::debug!("already gone: an earlier attempt deleted it"));
            return Next::Gone(status);
        }
        self.unknown_before |= seen.attempt.is_some_and(outcome_unknown);
        let wait = match seen.attempt {
            Some(outcome) if spare && is_retryable(method, outcome) => {
                wait_before_retry(runtime, seen, rate_limit, self.attempt)
                    .filter(|wait| policy.overall_deadline().is_none_or(|d| self.started.elapsed() + *wait <= d))
            }
            _ => None,
        };
        match wait {
            Some(wait) => {
                span.in_scope(|| tracing::debug!(wait_ms = wait.as_millis() as u64, "retrying"));
                Next::Retry(wait)
            }
            None => Next::Final,
        }
    }
}

/// What an attempt's result says, as far as retrying is concerned.
struct Seen<'a> {
    /// What to judge a retry on; `None` when the result is final whatever the method.
    attempt: Option<Attempt>,
    status: Option<StatusCode>,
    headers: Option<&'a HeaderMap>,
}

impl<'a> Seen<'a> {
    fn of<T, E>(result: &'a Result<ResponseValue<T>, GenError<E>>) -> Self {
        let response = |status: StatusCode, headers: &'a HeaderMap, attempt: Option<Attempt>| Seen {
            attempt,
            status: Some(status),
            headers: Some(headers),
        };
        match result {
            Ok(rv) => response(rv.status(), rv.headers(), None),
            Err(GenError::ErrorResponse(rv)) => response(rv.status(), rv.headers(), Some(Attempt::Status(rv.status()))),
            Err(GenError::UnexpectedResponse(r)) => {
                let attempt = match r.extensions().get::<BodyRead>() {
                    Some(BodyRead::Broken(e)) if e.is_timeout() => Some(Attempt::TimedOut),
                    Some(BodyRead::Broken(_)) => Some(Attempt::Broken),
                    // A status the operation does not describe, a body that does not decode (a
                    // proxy's HTML 502) or one over the limit: the status decides (a 503 is
                    // tried again; a 200 is final).
                    Some(BodyRead::Whole(_) | BodyRead::TooLarge(_)) | None => Some(Attempt::Status(r.status())),
                };
                // A success status whose body did not decode is final: sending again would
                // fetch the same body.
                let attempt =
                    attempt.filter(|_| !(r.status().is_success() && r.extensions().get::<Undecodable>().is_some()));
                response(r.status(), r.headers(), attempt)
            }
            Err(GenError::CommunicationError(e)) => {
                let attempt = if e.is_connect() {
                    Attempt::ConnectFailed
                } else if e.is_timeout() {
                    Attempt::TimedOut
                } else {
                    Attempt::Broken
                };
                Seen { attempt: Some(attempt), status: None, headers: None }
            }
            Err(_) => Seen { attempt: None, status: None, headers: None },
        }
    }
}

/// The wait the server asked for, else backoff; `None` when the server asks for more than the
/// policy allows. `rate_limit` is what the response's headers said, read already.
fn wait_before_retry(
    runtime: &Runtime,
    seen: &Seen<'_>,
    rate_limit: Option<RateLimit>,
    attempt: u32,
) -> Option<Duration> {
    let policy = &runtime.retry;
    let asked = seen.headers.and_then(|headers| {
        retry_after(headers).or_else(|| {
            let exhausted = seen.status == Some(StatusCode::TOO_MANY_REQUESTS);
            rate_limit.filter(|rl| exhausted && rl.remaining == 0).map(|rl| rl.reset_in())
        })
    });
    match asked {
        Some(wait) if wait > policy.max_retry_wait_value() => None,
        Some(wait) => Some(wait),
        None => Some(policy.jittered_backoff(attempt)),
    }
}
