//! Response bodies, read inside the retry loop and capped in size.
//!
//! progenitor reads every body whole (`Response::bytes`) after the hooks have returned, with no
//! limit: a misbehaving server (or proxy) could make the client buffer gigabytes, and a body that
//! breaks off half-way would be out of the retry loop's reach. So the hooks read the body
//! themselves, at most [`Config::max_response_bytes`](crate::Config::max_response_bytes) of it.
//! A whole body travels on, in the call's record (or, for a generated builder used on its own,
//! in the response's extensions), and the generated code reads it with [`bytes`] (the
//! generator's `body_reader` setting). A body that failed is handed on as a new
//! response whose body fails at once with what went wrong, which [`call`](crate::call) then
//! turns into the SDK's error: `reqwest::Error` has no constructor, so failing a body is the
//! only way to give progenitor one.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_util::future::Either;
use reqwest::ResponseBuilderExt;

use crate::call;

type BoxError = Box<dyn StdError + Send + Sync>;

/// What reading a response body came to.
pub(crate) enum Read {
    /// The whole body arrived; [`bytes`] hands it on.
    Whole,
    /// The body is (or says it is) larger than the limit.
    TooLarge,
    /// The body broke off (reset, timeout).
    Broken { error: reqwest::Error, timed_out: bool },
}

impl Read {
    /// The response to hand on after this read: the same one when the body is whole, else one
    /// whose body fails with what went wrong.
    pub(crate) fn hand_on(self, response: reqwest::Response, limit: u64) -> reqwest::Response {
        match self {
            Read::Whole => response,
            Read::TooLarge => rebuild(&response, failing(TooLarge { limit })),
            Read::Broken { error, .. } => rebuild(&response, failing(error)),
        }
    }
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

/// A body read in full by [`read`], carried in the response's extensions outside a call.
#[derive(Clone)]
struct ReadBody(Bytes);

/// The body of `response`: the one [`read`] took already, else read now (a body that failed
/// in the hooks, or a response that did not pass through them). The generated code reads every
/// body with this, right after the hooks return the response.
///
/// Not `async`: the body is almost always in hand, and the generated code inlines this into
/// each of its decoding branches. Reading a body is kept out of line, behind a pointer.
pub(crate) fn bytes(mut response: reqwest::Response) -> impl Future<Output = reqwest::Result<Bytes>> {
    let taken = call::take_body().or_else(|| response.extensions_mut().remove::<ReadBody>().map(|ReadBody(b)| b));
    match taken {
        Some(body) => Either::Left(std::future::ready(Ok(body))),
        None => Either::Right(read_now(response)),
    }
}

#[cold]
#[inline(never)]
fn read_now(response: reqwest::Response) -> Pin<Box<dyn Future<Output = reqwest::Result<Bytes>> + Send>> {
    Box::pin(response.bytes())
}

/// Reads at most `limit` bytes of the body; a larger one is abandoned at the first chunk past
/// the limit (or at once, when `Content-Length` says so), never buffered. Borrows the response
/// rather than taking it: the future (allocated with every call) is smaller that way.
pub(crate) async fn read(response: &mut reqwest::Response, limit: u64) -> Read {
    let declared = response.content_length();
    if declared.is_some_and(|n| n > limit) {
        return Read::TooLarge;
    }
    let mut received: u64 = 0;
    // A body that comes in one chunk (most do) is kept as it is; a second chunk starts a copy.
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                received += chunk.len() as u64;
                if received > limit {
                    return Read::TooLarge;
                }
                match (&mut joined, first.take()) {
                    (Some(buf), _) => buf.extend_from_slice(&chunk),
                    (None, None) => first = Some(chunk),
                    (None, Some(head)) => {
                        // Preallocate what the server announced, within reason: it may
                        // announce and not send.
                        let expected = declared.unwrap_or(0).min(1 << 20) as usize;
                        let mut buf = BytesMut::with_capacity(expected.max(head.len() + chunk.len()));
                        buf.extend_from_slice(&head);
                        buf.extend_from_slice(&chunk);
                        joined = Some(buf);
                    }
                }
            }
            Ok(None) => break,
            Err(error) => {
                let timed_out = error.is_timeout();
                return Read::Broken { error, timed_out };
            }
        }
    }
    let body = joined.map(BytesMut::freeze).or(first).unwrap_or_default();
    // Within a call the body waits in the call's record (no allocation); a generated builder
    // used on its own gets it on the response.
    if let Err(body) = call::keep_body(body) {
        response.extensions_mut().insert(ReadBody(body));
    }
    Read::Whole
}

/// A response like `response` whose body fails at once: an answer thrown away because the
/// attempt will be made again (its body is never read).
pub(crate) fn abandoned(response: &reqwest::Response) -> reqwest::Response {
    rebuild(response, failing("the response was abandoned: the request is being sent again"))
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
