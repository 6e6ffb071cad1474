//! Response bodies: read within a size limit, then decoded as the operation says.
//!
//! reqwest reads a body only when asked, whole and with no limit (`Response::bytes`): a
//! misbehaving server (or proxy) could make the client buffer gigabytes. So the runtime reads
//! every body itself ([`read`]), at most
//! [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes) of it, while
//! the attempt is still in the retry loop's reach, and hands what came of it ([`Body`]) to the
//! decoder the generator chose for the operation's status from the spec's content types:
//! [`json`], [`empty`] (no body, a `204`) or [`stream`] (a body that is not JSON).

use std::error::Error as StdError;

use bytes::{Bytes, BytesMut};
use progenitor_client::ByteStream;
use serde::de::DeserializeOwned;

/// The largest response body a client accepts unless configured otherwise: 16 MiB, far more
/// than any page of the API.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

/// What reading a response's body came to.
#[derive(Debug)]
pub(crate) enum Read {
    /// The whole body.
    Whole(Bytes),
    /// The body is (or says it is) larger than `limit`; it was abandoned there, after `read`
    /// (nothing when `Content-Length` said so): a body that is streamed starts with it, the
    /// rest following from the connection.
    TooLarge { limit: u64, read: Bytes },
    /// The body broke off (reset, timeout).
    Broken(reqwest::Error),
}

/// A response's body as the runtime read it, for the operation's decoder.
#[derive(Debug)]
pub(crate) struct Body {
    pub(crate) read: Read,
    /// The response it was read from, its status and headers taken already: the rest of a
    /// body over the limit streams from it.
    pub(crate) rest: reqwest::Response,
}

/// What a decoder made of a [`Body`].
#[derive(Debug)]
pub(crate) enum Decoded<T> {
    Value(T),
    /// The whole body, which is not the JSON of the type.
    Undecodable {
        body: Bytes,
        error: serde_json::Error,
    },
    /// The body was larger than `limit`.
    TooLarge {
        limit: u64,
    },
    /// The body broke off.
    Broken(reqwest::Error),
}

/// A JSON body decoded into `T`. Compiled once per type, and not async: the body is read.
// Unused only in a build without tag features: no operation, nothing to decode.
#[allow(dead_code)]
pub(crate) fn json<T: DeserializeOwned>(body: Body) -> Decoded<T> {
    match body.read {
        Read::Whole(bytes) => match serde_json::from_slice(&bytes) {
            Ok(value) => Decoded::Value(value),
            Err(error) => Decoded::Undecodable { body: bytes, error },
        },
        Read::TooLarge { limit, .. } => Decoded::TooLarge { limit },
        Read::Broken(error) => Decoded::Broken(error),
    }
}

/// The whole body, undecoded: a status the operation does not describe, or a call that asks
/// for bytes.
pub(crate) fn whole(body: Body) -> Decoded<Bytes> {
    match body.read {
        Read::Whole(bytes) => Decoded::Value(bytes),
        Read::TooLarge { limit, .. } => Decoded::TooLarge { limit },
        Read::Broken(error) => Decoded::Broken(error),
    }
}

/// A status whose answer has no body (a `204`): whatever came is not looked at, as
/// progenitor's own calls do not.
#[allow(dead_code)]
pub(crate) fn empty(_: Body) -> Decoded<()> {
    Decoded::Value(())
}

/// A body that is not JSON (a CSV invoice, a kubeconfig), as a stream. A body larger than the
/// limit streams whole: what was read, then the rest from the connection (a stream never holds
/// the body, so the limit does not apply to it). A body that broke off streams its error
/// first, so that reading it fails rather than ending early as if the body were whole.
#[allow(dead_code)] // Only some tags have such responses.
pub(crate) fn stream(body: Body) -> Decoded<ByteStream> {
    let Body { read, rest } = body;
    let chunks: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<Bytes>> + Send + Sync>> = match read {
        Read::Whole(body) => Box::pin(futures_util::stream::iter([Ok(body)])),
        Read::TooLarge { read, .. } => {
            let head = futures_util::stream::iter((!read.is_empty()).then_some(Ok(read)));
            Box::pin(futures_util::StreamExt::chain(head, rest.bytes_stream()))
        }
        Read::Broken(error) => Box::pin(futures_util::stream::iter([Err(error)])),
    };
    Decoded::Value(ByteStream::new(chunks))
}

/// Reads at most `limit` bytes of the body; a larger one is abandoned at the first chunk past
/// the limit (or at once, when `Content-Length` says so), never buffered. Borrows the response
/// rather than taking it: the future (allocated with every call) is smaller that way.
pub(crate) async fn read(response: &mut reqwest::Response, limit: u64) -> Read {
    let declared = response.content_length();
    if declared.is_some_and(|n| n > limit) {
        return Read::TooLarge { limit, read: Bytes::new() };
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
                    return Read::TooLarge { limit, read: body.into_bytes() };
                }
            }
            Ok(None) => break,
            Err(error) => return Read::Broken(error),
        }
    }
    Read::Whole(body.into_bytes())
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
