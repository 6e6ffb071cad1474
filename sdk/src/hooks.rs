//! The hooks every generated call passes through: retries, rate-limit bookkeeping and one
//! `tracing` span per attempt. This is the only place a request is sent, and the only place a
//! response body is read (see [`body`](crate::body): within a size limit, inside the retry loop).

use std::future::Future;
use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::Method;
use tracing::Instrument;

use crate::RateLimit;
use crate::body;
use crate::call;
use crate::generated::{Client, operation_route};
use crate::rate_limit::{self, retry_after};
use crate::retry::{Attempt, is_retryable};
use crate::runtime::Runtime;

impl ClientHooks<Runtime> for Client {
    fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        send_with_retries(self.client(), self.inner(), request, info.operation_id)
    }
}

/// Sends `request`, retrying as the policy allows.
///
/// Within an SDK call ([`call::run`]) a retry is made by the call, which builds the request
/// again from its builder: this sends once and, when the attempt is to be made again, says so
/// in the call's record with the wait. A generated builder used on its own has no builder to
/// go back to, so for it a copy of the request is kept before the first attempt and the
/// attempts are made here.
///
/// A plain function that hands the first attempt to reqwest before returning the future: the
/// request then lives in reqwest's own allocation instead of being carried (and copied) in
/// every future around this one.
fn send_with_retries<'a>(
    http: &'a reqwest::Client,
    runtime: &'a Runtime,
    request: reqwest::Request,
    operation_id: &'static str,
) -> impl Future<Output = reqwest::Result<reqwest::Response>> + 'a {
    let policy = &runtime.retry;
    let call = call::begin_attempt(runtime.token.as_ref());
    let (started, first_attempt) = match &call {
        Some(call) => (call.started, call.attempts + 1),
        None => (Instant::now(), 1),
    };
    let method = request.method().clone();
    // A body that cannot be cloned (a stream) can be sent once only.
    let mut spare = if call.is_none() && first_attempt < policy.attempts() { request.try_clone() } else { None };
    // Nothing goes out before the future is polled.
    let mut in_flight = http.execute(request);
    async move {
        let mut attempt = first_attempt;
        loop {
            let span = tracing::info_span!(
                "digitalocean.request",
                method = %method,
                path = operation_route(operation_id).map(|(_, path)| path).unwrap_or(operation_id),
                attempt,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                elapsed_ms = tracing::field::Empty,
            );
            // Without a subscriber the span is disabled: no clock reads or formatting for it, and
            // no wrapper entering and leaving it on every poll (that measured 1% of a call).
            let sent_at = (!span.is_disabled()).then(Instant::now);
            let sent = if span.is_disabled() {
                send_once(runtime, &method, in_flight).await
            } else {
                send_once(runtime, &method, in_flight).instrument(span.clone()).await
            };
            if let Some(sent_at) = sent_at {
                span.record("elapsed_ms", sent_at.elapsed().as_millis() as u64);
            }
            let Sent { result, retry_on, unread } = sent;
            let seen = result.as_ref().ok().map(|response| {
                let status = response.status();
                let (rate_limit, request_id) = rate_limit::scan(response.headers());
                if !span.is_disabled() {
                    span.record("status", status.as_u16());
                    if let Some(id) = request_id.and_then(|v| v.to_str().ok()) {
                        span.record("request_id", id);
                    }
                }
                if let Some(rl) = rate_limit {
                    runtime.remember(rl);
                }
                (status, rate_limit, request_id)
            });
            let rate_limit = seen.and_then(|(_, rate_limit, _)| rate_limit);
            call::record_attempt(seen);
            // `None`: the answer (a whole body, or one over the size limit).
            let Some(outcome) = retry_on else { return result };
            let another =
                attempt < policy.attempts() && (call.is_some() || spare.is_some()) && is_retryable(&method, outcome);
            let wait = another
                .then(|| wait_before_retry(runtime, &result, rate_limit, attempt))
                .flatten()
                .filter(|wait| policy.overall_deadline().is_none_or(|deadline| started.elapsed() + *wait <= deadline));
            let Some(wait) = wait else {
                return finish(runtime, result, unread).await;
            };
            span.in_scope(|| tracing::debug!(wait_ms = wait.as_millis() as u64, "retrying"));
            let Some(next) = spare.take() else {
                // Within a call: the call waits and sends again. This answer is thrown away
                // unread; hyper closes an HTTP/1.1 connection whose body is still pending
                // instead of reusing it.
                call::retry_in(wait);
                return result.map(|response| body::abandoned(&response));
            };
            // The failed response is dropped unread, as above.
            drop(result);
            // Boxed: a timer is a few hundred bytes that only a retry needs.
            Box::pin(tokio::time::sleep(wait)).await;
            attempt += 1;
            spare = if attempt < policy.attempts() { next.try_clone() } else { None };
            in_flight = http.execute(next);
        }
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

async fn send_once(
    runtime: &Runtime,
    method: &Method,
    in_flight: impl Future<Output = reqwest::Result<reqwest::Response>>,
) -> Sent {
    let mut response = match in_flight.await {
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
    let limit = runtime.max_response_bytes;
    let read = body::read(&mut response, limit).await;
    let retry_on = match &read {
        body::Read::Broken { timed_out: true, .. } => Some(Attempt::TimedOut),
        body::Read::Broken { .. } => Some(Attempt::Broken),
        body::Read::Whole | body::Read::TooLarge => None,
    };
    Sent { result: Ok(read.hand_on(response, limit)), retry_on, unread: false }
}

/// The result returned after all: an unread body is read now, within the size limit.
async fn finish(
    runtime: &Runtime,
    result: reqwest::Result<reqwest::Response>,
    unread: bool,
) -> reqwest::Result<reqwest::Response> {
    match result {
        Ok(mut response) if unread => {
            let limit = runtime.max_response_bytes;
            Ok(body::read(&mut response, limit).await.hand_on(response, limit))
        }
        other => other,
    }
}

/// The wait the server asked for, else backoff; `None` when the server asks for more than the
/// policy allows. `rate_limit` is what the response's headers said, read already.
fn wait_before_retry(
    runtime: &Runtime,
    result: &reqwest::Result<reqwest::Response>,
    rate_limit: Option<RateLimit>,
    attempt: u32,
) -> Option<Duration> {
    let policy = &runtime.retry;
    let asked = match result {
        Ok(response) => retry_after(response.headers()).or_else(|| {
            let exhausted = response.status() == reqwest::StatusCode::TOO_MANY_REQUESTS;
            rate_limit.filter(|rl| exhausted && rl.remaining == 0).map(|rl| rl.reset_in())
        }),
        Err(_) => None,
    };
    match asked {
        Some(wait) if wait > policy.max_retry_wait_value() => None,
        Some(wait) => Some(wait),
        None => Some(policy.jittered_backoff(attempt)),
    }
}
