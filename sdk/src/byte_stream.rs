//! A response body that is not JSON, as the SDK's own type: what users hold does not change
//! when the generated code's HTTP layer does.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::stream::{Stream, StreamExt};

use crate::Error;
use crate::runtime::body::Chunks;

/// The body of a response that is not JSON: an invoice as CSV or PDF, a cluster's
/// kubeconfig, a file to download.
///
/// A [`Stream`] of chunks, each a `Result<Bytes, Error>` with the SDK's own [`Error`]; or,
/// with [`bytes`](Self::bytes), the whole body at once. A body within
/// [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes) has already
/// been read when the call resolves: it comes as one chunk, with no further wait.
///
/// ```no_run
/// use digitalocean_sdk::{ByteStream, Error};
/// use futures::StreamExt;
///
/// // The whole body at once.
/// async fn whole(body: ByteStream) -> Result<Vec<u8>, Error> {
///     Ok(body.bytes().await?.to_vec())
/// }
///
/// // Chunk by chunk, as a stream.
/// async fn length(mut body: ByteStream) -> Result<usize, Error> {
///     let mut n = 0;
///     while let Some(chunk) = body.next().await {
///         n += chunk?.len();
///     }
///     Ok(n)
/// }
/// ```
#[must_use = "a body does nothing until it is read"]
pub struct ByteStream {
    inner: Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send + Sync>>,
}

impl ByteStream {
    // Only the tags with a body that is not JSON (billing, kubernetes, ...) make one.
    #[allow(dead_code)]
    pub(crate) fn new(chunks: impl Stream<Item = Result<Bytes, Error>> + Send + Sync + 'static) -> Self {
        ByteStream { inner: Box::pin(chunks) }
    }

    /// Reads the rest of the body and gives it whole; the first failing chunk's error
    /// otherwise.
    pub async fn bytes(mut self) -> Result<Bytes, Error> {
        // A body in one chunk (one the SDK read whole) is given as it is, not copied.
        let mut body = Chunks::with_capacity(0);
        while let Some(chunk) = self.inner.next().await {
            body.push(chunk?);
        }
        Ok(body.into_bytes())
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

// The chunks are not shown: a body may be large, and is the caller's to print.
impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use futures::executor::block_on as run;

    #[test]
    fn chunks_are_joined_in_order() {
        let chunks = [Bytes::from_static(b"a,b\n"), Bytes::from_static(b"1,"), Bytes::from_static(b"2\n")];
        let body = ByteStream::new(futures_util::stream::iter(chunks.map(Ok)));
        assert_eq!(run(body.bytes()).expect("whole"), Bytes::from_static(b"a,b\n1,2\n"));
    }

    #[test]
    fn one_chunk_and_none_are_whole_bodies() {
        let one = ByteStream::new(futures_util::stream::iter([Ok(Bytes::from_static(b"%PDF"))]));
        assert_eq!(run(one.bytes()).expect("whole"), Bytes::from_static(b"%PDF"));
        let none = ByteStream::new(futures_util::stream::empty());
        assert!(run(none.bytes()).expect("whole").is_empty());
    }

    #[test]
    fn a_failing_chunk_is_the_error() {
        let chunks = [Ok(Bytes::from_static(b"a")), Err(Error::InvalidRequest("broke".into())), Ok(Bytes::new())];
        let body = ByteStream::new(futures_util::stream::iter(chunks));
        let e = run(body.bytes()).expect_err("the chunk's error");
        assert!(matches!(&e, Error::InvalidRequest(m) if m == "broke"), "{e:?}");
        assert_eq!(format!("{:?}", ByteStream::new(futures_util::stream::empty())), "ByteStream { .. }");
    }
}
