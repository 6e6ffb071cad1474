//! The one path of a call: build → authorize → send → read → classify → decode → retry.
//!
//! [`send`] makes attempts until one is final by the retry table, and each attempt
//! ([`attempt`]) walks the path in order, in this file: the builder builds its request
//! ([`Operation::request`]); the host's credential is attached ([`authorize`]); reqwest sends
//! it; the body is read within the size limit ([`body::read`]); the status is classified by
//! what the operation describes ([`Operation::answer`]); the body is decoded as that answer's
//! type; and the [`Outcome`] decides whether another attempt is made, and when. Nothing is
//! carried beside the values: what an attempt came to is its return value.
//!
//! Each attempt takes a copy of the builder (a few plain values), so nothing of a request is
//! kept in case it must be sent again.

use std::convert::Infallible;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderMap};
use tracing::Instrument;

use super::body::{self, Body, Decoded};
use super::rate_limit::{RateLimit, retry_after, scan};
use super::retry::{Attempt, found_gone, is_retryable, outcome_unknown};
use super::{Answer, Credential, Operation, Runtime};

/// The final attempt's outcome, and how many attempts it took.
pub(crate) struct Sent<V, F> {
    pub(crate) outcome: Outcome<V, F>,
    pub(crate) attempts: u32,
}

/// What one attempt came to.
#[derive(Debug)]
pub(crate) enum Outcome<V, F> {
    /// A status the operation describes as a success, and its body decoded.
    Value { status: StatusCode, headers: HeaderMap, value: V },
    /// A status the operation describes as the API's error, and its body decoded.
    Failure { status: StatusCode, headers: HeaderMap, failure: F },
    /// A status the operation does not describe, and its whole body.
    Undescribed { status: StatusCode, headers: HeaderMap, body: Bytes },
    /// A whole body that is not the JSON of its status's type.
    Undecodable { status: StatusCode, headers: HeaderMap, body: Bytes, error: serde_json::Error },
    /// A body larger than `limit`, abandoned there.
    TooLarge { status: StatusCode, headers: HeaderMap, limit: u64 },
    /// The status and headers arrived, then the body broke off or stalled.
    Broken { status: StatusCode, headers: HeaderMap, error: reqwest::Error },
    /// No response: the connection failed, timed out or broke before the status.
    Transport(reqwest::Error),
    /// The request could not be built from the builder's parameters; nothing was sent.
    Invalid(String),
}

impl<V, F> Outcome<V, F> {
    /// A success's status, headers and value; anything else as itself, without the value's
    /// type, so that what makes an error of it is compiled once per error type, not once per
    /// operation.
    #[allow(clippy::result_large_err, reason = "the error ends the call; it is moved once, into the SDK's boxed error")]
    pub(crate) fn into_value(self) -> Result<(StatusCode, HeaderMap, V), Outcome<Infallible, F>> {
        Err(match self {
            Outcome::Value { status, headers, value } => return Ok((status, headers, value)),
            Outcome::Failure { status, headers, failure } => Outcome::Failure { status, headers, failure },
            Outcome::Undescribed { status, headers, body } => Outcome::Undescribed { status, headers, body },
            Outcome::Undecodable { status, headers, body, error } => {
                Outcome::Undecodable { status, headers, body, error }
            }
            Outcome::TooLarge { status, headers, limit } => Outcome::TooLarge { status, headers, limit },
            Outcome::Broken { status, headers, error } => Outcome::Broken { status, headers, error },
            Outcome::Transport(e) => Outcome::Transport(e),
            Outcome::Invalid(message) => Outcome::Invalid(message),
        })
    }

    fn status_and_headers(&self) -> Option<(StatusCode, &HeaderMap)> {
        match self {
            Outcome::Value { status, headers, .. }
            | Outcome::Failure { status, headers, .. }
            | Outcome::Undescribed { status, headers, .. }
            | Outcome::Undecodable { status, headers, .. }
            | Outcome::TooLarge { status, headers, .. }
            | Outcome::Broken { status, headers, .. } => Some((*status, headers)),
            Outcome::Transport(_) | Outcome::Invalid(_) => None,
        }
    }

    fn into_headers(self) -> HeaderMap {
        match self {
            Outcome::Value { headers, .. }
            | Outcome::Failure { headers, .. }
            | Outcome::Undescribed { headers, .. }
            | Outcome::Undecodable { headers, .. }
            | Outcome::TooLarge { headers, .. }
            | Outcome::Broken { headers, .. } => headers,
            Outcome::Transport(_) | Outcome::Invalid(_) => HeaderMap::new(),
        }
    }

    /// What the outcome says, as far as retrying is concerned; `None` when it is final
    /// whatever the method.
    fn attempt(&self) -> Option<Attempt> {
        let transport = |e: &reqwest::Error| {
            if e.is_connect() {
                Attempt::ConnectFailed
            } else if e.is_timeout() {
                Attempt::TimedOut
            } else {
                Attempt::Broken
            }
        };
        match self {
            Outcome::Value { .. } | Outcome::Invalid(_) => None,
            // The status decides: a 503 is tried again, whether or not its body says why (a
            // proxy's HTML page), and whatever its size.
            Outcome::Failure { status, .. }
            | Outcome::Undescribed { status, .. }
            | Outcome::TooLarge { status, .. } => Some(Attempt::Status(*status)),
            // A success whose body does not decode is final: sending again would fetch the
            // same body.
            Outcome::Undecodable { status, .. } => (!status.is_success()).then_some(Attempt::Status(*status)),
            Outcome::Broken { error, .. } if error.is_timeout() => Some(Attempt::TimedOut),
            Outcome::Broken { .. } => Some(Attempt::Broken),
            Outcome::Transport(e) => Some(transport(e)),
        }
    }
}

/// Sends `operation`, retrying as the policy and the retry table allow: `GET`, `PUT` and
/// `DELETE` on transient failures, `POST` and `PATCH` only when the server certainly did not
/// act (a refused connection, a 429). Waits honour `Retry-After` and `ratelimit-reset`, capped;
/// no retry starts after the overall deadline. A `DELETE` without a body whose retry gets 404
/// after an attempt of unknown outcome succeeded on that attempt, and is reported as a success.
pub(crate) async fn send<O: Operation>(
    http: &reqwest::Client,
    runtime: &Runtime,
    operation: O,
) -> Sent<O::Value, O::Failure> {
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
        // build may turn on, that would be two log records per poll).
        let outcome = if span.is_disabled() {
            attempt(http, runtime, operation).await
        } else {
            let sent_at = Instant::now();
            let outcome = attempt(http, runtime, operation).instrument(span.clone()).await;
            span.record("elapsed_ms", sent_at.elapsed().as_millis() as u64);
            outcome
        };
        let gone = O::gone();
        let seen = Seen::of(&outcome);
        match state.next(runtime, &span, &seen, &O::METHOD, gone.is_some(), spare.is_some()) {
            Next::Gone(status) => {
                if let Some(value) = gone {
                    let headers = outcome.into_headers();
                    return Sent { outcome: Outcome::Value { status, headers, value }, attempts: state.attempt };
                }
            }
            Next::Retry(wait) => {
                if let Some(next) = spare {
                    drop(outcome);
                    // Boxed: a timer is a few hundred bytes that only a retry needs.
                    Box::pin(tokio::time::sleep(wait)).await;
                    state.attempt += 1;
                    operation = next;
                    continue;
                }
            }
            Next::Final => {}
        }
        return Sent { outcome, attempts: state.attempt };
    }
}

/// One attempt, step by step.
async fn attempt<O: Operation>(
    http: &reqwest::Client,
    runtime: &Runtime,
    operation: O,
) -> Outcome<O::Value, O::Failure> {
    // Build.
    let mut request = match operation.request() {
        Ok(request) => request,
        Err(progenitor_client::Error::CommunicationError(e)) => return Outcome::Transport(e),
        Err(e) => return Outcome::Invalid(invalid(e)),
    };
    // Authorize.
    authorize(&mut request, runtime);
    // Send.
    let mut response = match http.execute(request).await {
        Ok(response) => response,
        Err(e) => return Outcome::Transport(e),
    };
    // Read, within the limit.
    let read = body::read(&mut response, runtime.max_response_bytes).await;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = Body { read, rest: response };
    // Classify, then decode as the answer's type.
    match O::answer(status.as_u16()) {
        Answer::Value => {
            settle(O::value(body), status, headers, |value, headers| Outcome::Value { status, headers, value })
        }
        Answer::Failure => {
            settle(O::failure(body), status, headers, |failure, headers| Outcome::Failure { status, headers, failure })
        }
        Answer::Undescribed => {
            settle(body::whole(body), status, headers, |body, headers| Outcome::Undescribed { status, headers, body })
        }
    }
}

/// The outcome of a decoded body: `into` for a value, else what kept it from being one.
fn settle<T, V, F>(
    decoded: Decoded<T>,
    status: StatusCode,
    headers: HeaderMap,
    into: impl FnOnce(T, HeaderMap) -> Outcome<V, F>,
) -> Outcome<V, F> {
    match decoded {
        Decoded::Value(value) => into(value, headers),
        Decoded::Undecodable { body, error } => Outcome::Undecodable { status, headers, body, error },
        Decoded::TooLarge { limit } => Outcome::TooLarge { status, headers, limit },
        Decoded::Broken(error) => Outcome::Broken { status, headers, error },
    }
}

/// Attaches the credential of the host this runtime sends to, and points a presigned
/// runtime's request at its URL. The shared `reqwest::Client` carries no credential, so no
/// request can take another host's secret.
fn authorize(request: &mut reqwest::Request, runtime: &Runtime) {
    match runtime.credential() {
        Credential::Bearer { header, .. } => {
            request.headers_mut().insert(AUTHORIZATION, header.clone());
        }
        // The call refuses a missing credential before sending; whatever happens, nothing is
        // attached that belongs to another host.
        Credential::Anonymous | Credential::Missing(_) => {}
    }
    if let Some(url) = runtime.target() {
        *request.url_mut() = url.clone();
    }
}

/// The message of a request that could not be built.
#[cold]
fn invalid(e: progenitor_client::Error) -> String {
    match e {
        progenitor_client::Error::InvalidRequest(message) | progenitor_client::Error::Custom(message) => message,
        other => other.to_string(),
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

/// What an attempt's outcome says, as far as retrying is concerned.
struct Seen<'a> {
    /// What to judge a retry on; `None` when the outcome is final whatever the method.
    attempt: Option<Attempt>,
    status: Option<StatusCode>,
    headers: Option<&'a HeaderMap>,
}

impl<'a> Seen<'a> {
    fn of<V, F>(outcome: &'a Outcome<V, F>) -> Self {
        let (status, headers) = outcome.status_and_headers().unzip();
        Seen { attempt: outcome.attempt(), status, headers }
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
