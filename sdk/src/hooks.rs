//! The hooks every generated call passes through: retries, rate-limit bookkeeping and one
//! `tracing` span per attempt. This is the only place a request is sent.

use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use tracing::Instrument;

use crate::RateLimit;
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
        let result = http.execute(request).instrument(span.clone()).await;
        if let Some(sent_at) = sent_at {
            span.record("elapsed_ms", sent_at.elapsed().as_millis() as u64);
        }
        call::record_attempt();
        let outcome = match &result {
            Ok(response) => {
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
                if status.is_success() {
                    return result;
                }
                Attempt::Status(status)
            }
            Err(e) if e.is_connect() => Attempt::ConnectFailed,
            Err(e) if e.is_timeout() => Attempt::TimedOut,
            Err(_) => Attempt::Broken,
        };
        let Some(next) = spare else { return result };
        if !is_retryable(&method, outcome) {
            return result;
        }
        let Some(wait) = wait_before_retry(runtime, &result, attempt) else { return result };
        if let Some(deadline) = policy.overall_deadline()
            && started.elapsed() + wait > deadline
        {
            return result;
        }
        span.in_scope(|| tracing::debug!(wait_ms = wait.as_millis() as u64, "retrying"));
        // Dropping the failed response returns its connection to the pool.
        drop(result);
        tokio::time::sleep(wait).await;
        pending = Some(next);
        attempt += 1;
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
