//! Response bodies: read by the hooks within a size limit, decoded by the generated code.
//!
//! progenitor reads every body whole (`Response::bytes`) after the hooks have returned, with no
//! limit: a misbehaving server (or proxy) could make the client buffer gigabytes, and a body that
//! breaks off half-way would be out of the retry loop's reach. So the hooks read the body
//! themselves, at most [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)
//! of it, and leave what came of it on the response as a [`BodyRead`]. The generated code
//! decodes every body with [`decode`] (the generator's `response_decoder` setting), which takes
//! the body from there. A body that did not arrive whole, or does not decode, comes back as
//! progenitor's `UnexpectedResponse` with the response itself, so that its status, headers
//! and what failed reach the retry loop and the error.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use progenitor_client::{ByteStream, Error as GenError, ResponseValue};
use serde::de::DeserializeOwned;

/// The largest response body a client accepts unless configured otherwise: 16 MiB, far more
/// than any page of the API.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

/// What reading a response's body came to, kept in the response's extensions.
#[derive(Clone, Debug)]
pub(crate) enum BodyRead {
    /// The whole body.
    Whole(Bytes),
    /// The body is (or says it is) larger than the limit; it was abandoned there, after what
    /// [`TooLarge::read`] holds.
    TooLarge(TooLarge),
    /// The body broke off (reset, timeout). Shared: extensions hold only `Clone` values.
    Broken(Arc<reqwest::Error>),
}

/// Why a whole body is on an `UnexpectedResponse`: it did not decode into the operation's type.
#[derive(Clone, Debug)]
pub(crate) struct Undecodable(pub(crate) Arc<serde_json::Error>);

/// The error of a body larger than the limit.
#[derive(Clone, Debug)]
pub(crate) struct TooLarge {
    pub(crate) limit: u64,
    /// What was read before the limit was passed (nothing when `Content-Length` said so): a
    /// body that is streamed starts with it, the rest following from the connection.
    pub(crate) read: Bytes,
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the response body is larger than the {}-byte limit", self.limit)
    }
}

/// Decodes the JSON body the hooks read into `T`, moving the headers into the result. A body
/// that is not whole, or does not decode, gives the response back as `UnexpectedResponse`,
/// with an [`Undecodable`] beside the body when decoding failed.
// Unused only in a build without tag features: no operation, nothing to decode.
#[allow(dead_code)]
pub(crate) async fn decode<T: DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, GenError<E>> {
    // Compiled once per pair of success and error types: reading the body is not generic,
    // only the decoding itself.
    let body = match whole_body(&mut response).await {
        Some(body) => body,
        None => return Err(GenError::UnexpectedResponse(response)),
    };
    match serde_json::from_slice(&body) {
        Ok(value) => {
            let status = response.status();
            Ok(ResponseValue::new(value, status, std::mem::take(response.headers_mut())))
        }
        Err(e) => Err(GenError::UnexpectedResponse(undecodable(response, body, e))),
    }
}

/// The body the hooks read, undecoded, with the headers moved in. A body that is not whole
/// gives the response back as `UnexpectedResponse`, as [`decode`] does.
pub(crate) async fn bytes<E>(mut response: reqwest::Response) -> Result<ResponseValue<Bytes>, GenError<E>> {
    match whole_body(&mut response).await {
        Some(body) => {
            let status = response.status();
            Ok(ResponseValue::new(body, status, std::mem::take(response.headers_mut())))
        }
        None => Err(GenError::UnexpectedResponse(response)),
    }
}

/// Whether the hooks read a whole body of no bytes (a 204): nothing for [`decode`] to decode.
pub(crate) fn is_empty(response: &reqwest::Response) -> bool {
    matches!(response.extensions().get::<BodyRead>(), Some(BodyRead::Whole(body)) if body.is_empty())
}

/// The body the hooks read when it is whole; otherwise `None`, what came of it left on the
/// response.
async fn whole_body(response: &mut reqwest::Response) -> Option<Bytes> {
    let read = match response.extensions_mut().remove::<BodyRead>() {
        Some(read) => read,
        // Every generated call passes through the hooks; this is for one that did not.
        None => read(response, DEFAULT_MAX_RESPONSE_BYTES).await,
    };
    match read {
        BodyRead::Whole(body) => Some(body),
        other => {
            response.extensions_mut().insert(other);
            None
        }
    }
}

#[allow(dead_code)]
fn undecodable(mut response: reqwest::Response, body: Bytes, e: serde_json::Error) -> reqwest::Response {
    response.extensions_mut().insert(BodyRead::Whole(body));
    response.extensions_mut().insert(Undecodable(Arc::new(e)));
    response
}

/// The body the hooks read, as the stream progenitor hands on for a body that is not JSON (the
/// generator's `response_streamer` setting). A body larger than the limit streams whole: what
/// the hooks read, then the rest from the connection (a stream never holds the body, so the
/// limit does not apply to it). A body that broke off streams its error first, so that reading
/// it fails rather than ending early as if the body were whole.
#[allow(dead_code)] // Only some tags have such responses.
pub(crate) fn stream(mut response: reqwest::Response) -> ResponseValue<ByteStream> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let chunks: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<Bytes>> + Send + Sync>> =
        match response.extensions_mut().remove::<BodyRead>() {
            Some(BodyRead::Whole(body)) => Box::pin(futures_util::stream::iter([Ok(body)])),
            Some(BodyRead::TooLarge(TooLarge { read, .. })) => {
                let head = futures_util::stream::iter((!read.is_empty()).then_some(Ok(read)));
                Box::pin(futures_util::StreamExt::chain(head, response.bytes_stream()))
            }
            // The hooks' copy is the only one once it is taken out of the extensions.
            Some(BodyRead::Broken(error)) => match Arc::try_unwrap(error) {
                Ok(error) => Box::pin(futures_util::stream::iter([Err(error)])),
                Err(_) => Box::pin(response.bytes_stream()),
            },
            // Every generated call passes through the hooks; this is for one that did not.
            None => Box::pin(response.bytes_stream()),
        };
    ResponseValue::new(ByteStream::new(chunks), status, headers)
}

/// Reads at most `limit` bytes of the body; a larger one is abandoned at the first chunk past
/// the limit (or at once, when `Content-Length` says so), never buffered. Borrows the response
/// rather than taking it: the future (allocated with every call) is smaller that way.
pub(crate) async fn read(response: &mut reqwest::Response, limit: u64) -> BodyRead {
    let declared = response.content_length();
    if declared.is_some_and(|n| n > limit) {
        return BodyRead::TooLarge(TooLarge { limit, read: Bytes::new() });
    }
    let mut received: u64 = 0;
    // Preallocate what the server announced, within reason: it may announce and not send.
    let mut body = Chunks::with_capacity(declared.unwrap_or(0).min(1 << 20) as usize);
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                received += chunk.len() as u64;
                body.push(chunk);
                if received > limit {
                    return BodyRead::TooLarge(TooLarge { limit, read: body.into_bytes() });
                }
            }
            Ok(None) => break,
            Err(error) => return BodyRead::Broken(Arc::new(error)),
        }
    }
    BodyRead::Whole(body.into_bytes())
}

/// A body gathered chunk by chunk. One that comes in one chunk (most do) is kept as it is; a
/// second chunk starts a copy.
pub(crate) struct Chunks {
    first: Option<Bytes>,
    joined: Option<BytesMut>,
    capacity: usize,
}

impl Chunks {
    /// Gathers a body; a copy, once needed, starts with room for `capacity` bytes.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Chunks { first: None, joined: None, capacity }
    }

    pub(crate) fn push(&mut self, chunk: Bytes) {
        match (&mut self.joined, self.first.take()) {
            (Some(buf), _) => buf.extend_from_slice(&chunk),
            (None, None) => self.first = Some(chunk),
            (None, Some(head)) => {
                let mut buf = BytesMut::with_capacity(self.capacity.max(head.len() + chunk.len()));
                buf.extend_from_slice(&head);
                buf.extend_from_slice(&chunk);
                self.joined = Some(buf);
            }
        }
    }

    pub(crate) fn into_bytes(self) -> Bytes {
        self.joined.map(BytesMut::freeze).or(self.first).unwrap_or_default()
    }
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
