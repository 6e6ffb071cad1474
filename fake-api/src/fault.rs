//! Scripted faults: what can go wrong between a client and the API, queued ahead of time and
//! served one per matching request, in order.

use std::time::Duration;

/// Which route a request took (one of the three stateful image-action operations, another
/// operation of the API, or none), so a fault can be aimed at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Route {
    /// `GET /v2/images/{image_id}/actions` (list).
    List,
    /// `POST /v2/images/{image_id}/actions` (convert or transfer).
    Post,
    /// `GET /v2/images/{image_id}/actions/{action_id}` (get, and every poll while waiting).
    Get,
    /// Any other operation of the API, answered with its documented example (see
    /// [`SeenRequest::operation`](crate::SeenRequest::operation) for which one).
    Documented,
    /// Anything else the fake was sent: a path or method the API does not have, or a path
    /// parameter of the wrong type (it answers 404).
    Other,
}

impl Route {
    /// The operationId of the route, for the three image-action routes.
    pub(crate) fn operation_id(self) -> Option<&'static str> {
        match self {
            Route::List => Some("imageActions_list"),
            Route::Post => Some("imageActions_post"),
            Route::Get => Some("imageActions_get"),
            Route::Documented | Route::Other => None,
        }
    }
}

/// One scripted fault. Queue it with [`FakeApi::push_fault`](crate::FakeApi::push_fault) (the
/// next request of any route gets it) or [`FakeApi::push_fault_on`](crate::FakeApi::push_fault_on)
/// (the next request of that route gets it). Each fault is served once.
///
/// Unless a variant says otherwise, a faulted request is answered before the fake looks at it:
/// no action is created and no poll is counted, as when a proxy or the rate limiter refuses it.
///
/// ```
/// use std::time::Duration;
/// use digitalocean_fake_api::{FakeApi, Fault, Route};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let fake = FakeApi::start().await;
/// fake.push_fault(Fault::TooManyRequests { retry_after: Duration::from_secs(1) });
/// fake.push_fault_on(Route::Get, Fault::BadGatewayHtml);
/// assert_eq!(fake.pending_faults(), 2);
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// 429 `too_many_requests`, with `Retry-After` in whole seconds (rounded up) and rate-limit
    /// headers saying nothing is left until the reset `retry_after` from now.
    TooManyRequests {
        /// What `Retry-After` asks the client to wait.
        retry_after: Duration,
    },
    /// 500 `server_error` with the API's JSON error body.
    ServerError,
    /// 500 `server_error`, but only after the request was carried out: a POST has created its
    /// action, a GET has counted as a poll. What a client sees when the API acted and then failed
    /// to answer; retrying such a POST would start a second action.
    ServerErrorAfterActing,
    /// 502 with an HTML page (`content-type: text/html`), as a load balancer sends it.
    BadGatewayHtml,
    /// 503 `service_unavailable` with a JSON error body.
    ServiceUnavailable,
    /// The normal answer, after this delay. The request is carried out when it arrives, so a
    /// client that gives up early has still started its action.
    Slow(Duration),
}

impl Fault {
    /// The status the fault answers with, or `None` for [`Fault::Slow`] (the normal status).
    pub fn status(&self) -> Option<u16> {
        match self {
            Fault::TooManyRequests { .. } => Some(429),
            Fault::ServerError | Fault::ServerErrorAfterActing => Some(500),
            Fault::BadGatewayHtml => Some(502),
            Fault::ServiceUnavailable => Some(503),
            Fault::Slow(_) => None,
        }
    }
}
