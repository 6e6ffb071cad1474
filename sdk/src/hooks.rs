//! The hooks every generated call passes through: retries, rate-limit bookkeeping and one
//! `tracing` span per attempt. This is the only place a request is sent, and the only place a
//! response body is read (see [`body`](crate::body): within a size limit, inside the retry loop).

use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::Method;
use tracing::Instrument;

use crate::RateLimit;
use crate::body;
use crate::call;
use crate::generated::{Client, operation_route};
use crate::rate_limit::{REQUEST_ID, retry_after};
use crate::retry::{Attempt, is_retryable};
use crate::runtime::Runtime;

impl ClientHooks<Runtime> for Client {
    async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        send_with_retries(self.client(), self.inner(), request, info.operation_id).await
    }
}

async fn send_with_retries(
    http: &reqwest::Client,
    runtime: &Runtime,
    request: reqwest::Request,
    operation_id: &'static str,
) -> reqwest::Result<reqwest::Response> {
    let policy = &runtime.retry;
    call::record_token(runtime.token.as_ref());
    let method = request.method().clone();
    let template = operation_route(operation_id).map(|(_, path)| path).unwrap_or(operation_id);
    let started = Instant::now();
    let mut pending = Some(request);
    let mut attempt: u32 = 1;
    loop {
        let request = pending.take().expect("a request for every attempt");
        // A body that cannot be cloned (a stream) can be sent once only.
        let spare = if attempt < policy.attempts() { request.try_clone() } else { None };
        let span = tracing::info_span!(
            "digitalocean.request",
            method = %method,
            path = template,
            attempt,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        // Without a subscriber the span is disabled: no clock reads or formatting for it.
        let sent_at = (!span.is_disabled()).then(Instant::now);
        let sent = send_once(http, runtime, &method, request).instrument(span.clone()).await;
        if let Some(sent_at) = sent_at {
            span.record("elapsed_ms", sent_at.elapsed().as_millis() as u64);
        }
        call::record_attempt();
        let Sent { result, retry_on, unread } = sent;
        if let Ok(response) = &result {
            let status = response.status();
            let headers = response.headers();
            let rate_limit = RateLimit::from_headers(headers);
            let request_id = headers.get(&REQUEST_ID);
            if !span.is_disabled() {
                span.record("status", status.as_u16());
                if let Some(id) = request_id.and_then(|v| v.to_str().ok()) {
                    span.record("request_id", id);
                }
            }
            if let Some(rl) = rate_limit {
                runtime.remember(rl);
            }
            call::record_response(status, rate_limit, request_id);
        }
        let answer = |result| finish(runtime, result, unread);
        // `None`: the answer (a whole body, or one over the size limit).
        let Some(outcome) = retry_on else { return result };
        let Some(next) = spare else { return answer(result).await };
        if !is_retryable(&method, outcome) {
            return answer(result).await;
        }
        let Some(wait) = wait_before_retry(runtime, &result, attempt) else { return answer(result).await };
        if let Some(deadline) = policy.overall_deadline()
            && started.elapsed() + wait > deadline
        {
            return answer(result).await;
        }
        span.in_scope(|| tracing::debug!(wait_ms = wait.as_millis() as u64, "retrying"));
        // The failed response is dropped unread; hyper closes an HTTP/1.1 connection whose body
        // is still pending instead of reusing it.
        drop(result);
        tokio::time::sleep(wait).await;
        pending = Some(next);
        attempt += 1;
    }
}

/// One attempt, as far as the retry loop is concerned.
struct Sent {
    result: reqwest::Result<reqwest::Response>,
    /// What to judge a retry on; `None` when `result` is the answer.
    retry_on: Option<Attempt>,
    /// The response's body has not been read (a retryable status: read only if it is returned).
    unread: bool,
}

async fn send_once(http: &reqwest::Client, runtime: &Runtime, method: &Method, request: reqwest::Request) -> Sent {
    let response = match http.execute(request).await {
        Ok(response) => response,
        Err(e) => {
            let outcome = if e.is_connect() {
                Attempt::ConnectFailed
            } else if e.is_timeout() {
                Attempt::TimedOut
            } else {
                Attempt::Broken
            };
            return Sent { result: Err(e), retry_on: Some(outcome), unread: false };
        }
    };
    let status = response.status();
    if !status.is_success() && is_retryable(method, Attempt::Status(status)) {
        return Sent { result: Ok(response), retry_on: Some(Attempt::Status(status)), unread: true };
    }
    // This response is the answer unless its body breaks off. Reading the body here, inside the
    // retry loop, lets a GET whose body broke off be retried, and caps its size.
    match body::read(response, runtime.max_response_bytes).await {
        body::Read::Whole(r) | body::Read::TooLarge(r) => Sent { result: Ok(r), retry_on: None, unread: false },
        body::Read::Broken { response, timed_out } => Sent {
            result: Ok(response),
            retry_on: Some(if timed_out { Attempt::TimedOut } else { Attempt::Broken }),
            unread: false,
        },
    }
}

/// The result returned after all: an unread body is read now, within the size limit.
async fn finish(
    runtime: &Runtime,
    result: reqwest::Result<reqwest::Response>,
    unread: bool,
) -> reqwest::Result<reqwest::Response> {
    match result {
        Ok(response) if unread => match body::read(response, runtime.max_response_bytes).await {
            body::Read::Whole(r) | body::Read::TooLarge(r) | body::Read::Broken { response: r, .. } => Ok(r),
        },
        other => other,
    }
}

/// The wait the server asked for, else backoff; `None` when the server asks for more than the
/// policy allows.
fn wait_before_retry(runtime: &Runtime, result: &reqwest::Result<reqwest::Response>, attempt: u32) -> Option<Duration> {
    let policy = &runtime.retry;
    let asked = match result {
        Ok(response) => {
            let headers = response.headers();
            retry_after(headers).or_else(|| {
                let exhausted = response.status() == reqwest::StatusCode::TOO_MANY_REQUESTS;
                RateLimit::from_headers(headers).filter(|rl| exhausted && rl.remaining == 0).map(|rl| rl.reset_in())
            })
        }
        Err(_) => None,
    };
    match asked {
        Some(wait) if wait > policy.max_retry_wait_value() => None,
        Some(wait) => Some(wait),
        None => Some(policy.jittered_backoff(attempt)),
    }
}
