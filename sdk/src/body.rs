//! Response bodies, read inside the retry loop and capped in size.
//!
//! progenitor reads every body whole (`Response::bytes`) after the hooks have returned, with no
//! limit: a misbehaving server (or proxy) could make the client buffer gigabytes, and a body that
//! breaks off half-way would be out of the retry loop's reach. So the hooks read the body
//! themselves, at most [`Config::max_response_bytes`](crate::Config::max_response_bytes) of it,
//! and hand progenitor a response whose body is already in memory, or one whose body fails at
//! once with what went wrong, which [`call`](crate::call) then turns into the SDK's error.

use std::error::Error as StdError;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use reqwest::ResponseBuilderExt;

type BoxError = Box<dyn StdError + Send + Sync>;

/// What reading a response body came to. Every variant carries a response to hand on.
pub(crate) enum Read {
    /// The whole body arrived and is in memory.
    Whole(reqwest::Response),
    /// The body is (or says it is) larger than the limit; its body fails with [`TooLarge`].
    TooLarge(reqwest::Response),
    /// The body broke off (reset, timeout); its body fails with that error.
    Broken { response: reqwest::Response, timed_out: bool },
}

/// The error a body larger than the limit fails with; [`call`](crate::call) looks for it.
#[derive(Debug)]
pub(crate) struct TooLarge {
    pub(crate) limit: u64,
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the response body is larger than the {}-byte limit", self.limit)
    }
}

impl StdError for TooLarge {}

/// Reads at most `limit` bytes of the body; a larger one is abandoned at the first chunk past
/// the limit (or at once, when `Content-Length` says so), never buffered.
pub(crate) async fn read(mut response: reqwest::Response, limit: u64) -> Read {
    let declared = response.content_length();
    if declared.is_some_and(|n| n > limit) {
        return Read::TooLarge(rebuild(&response, failing(TooLarge { limit })));
    }
    // Preallocate what the server announced, within reason: it may announce and not send.
    let mut buf = BytesMut::with_capacity(declared.unwrap_or(0).min(1 << 20) as usize);
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if (buf.len() + chunk.len()) as u64 > limit {
                    return Read::TooLarge(rebuild(&response, failing(TooLarge { limit })));
                }
                buf.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => {
                let timed_out = e.is_timeout();
                let response = rebuild(&response, failing(e));
                return Read::Broken { response, timed_out };
            }
        }
    }
    Read::Whole(rebuild(&response, reqwest::Body::from(buf.freeze())))
}

/// A response with the status, version, headers and URL of `like`, and `body`.
fn rebuild(like: &reqwest::Response, body: reqwest::Body) -> reqwest::Response {
    // The builder fails only on a bad status or header given to it as text; none is.
    let skeleton = http::Response::builder().url(like.url().clone()).body(()).unwrap_or_default();
    let (mut parts, ()) = skeleton.into_parts();
    parts.status = like.status();
    parts.version = like.version();
    parts.headers = like.headers().clone();
    reqwest::Response::from(http::Response::from_parts(parts, body))
}

fn failing(error: impl Into<BoxError>) -> reqwest::Body {
    reqwest::Body::wrap(Failing(Some(error.into())))
}

/// A body whose first read fails with the error it holds.
struct Failing(Option<BoxError>);

impl http_body::Body for Failing {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
        Poll::Ready(self.get_mut().0.take().map(Err))
    }
}

/// The [`TooLarge`] somewhere in an error's sources.
pub(crate) fn too_large<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a TooLarge> {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(t) = e.downcast_ref::<TooLarge>() {
            return Some(t);
        }
        next = e.source();
    }
    None
}

/// The innermost cause of an error: what actually happened, under reqwest's and hyper's
/// wrappers ("error decoding response body: ... : connection reset by peer").
pub(crate) fn root_cause(error: &(dyn StdError + 'static)) -> String {
    let mut e = error;
    while let Some(inner) = e.source() {
        e = inner;
    }
    e.to_string()
}
