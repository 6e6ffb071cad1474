//! A misbehaving HTTP/1.1 server on loopback, for the faults wiremock cannot express: resets
//! before and after the request is read, bodies cut short, stalls, lying `Content-Length`,
//! bodies far larger than any real response.
//!
//! Each accepted connection is handled by the [`Script`] the server's function returns for it
//! (given the connection's number, counting from 0), and serves one request at most. The server
//! counts connections, requests read in full, and response bytes written.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the server does with one connection.
#[derive(Clone, Debug)]
pub enum Script {
    /// Resets the connection (RST) as soon as it is accepted, without reading anything.
    ResetBeforeRead,
    /// Reads the whole request, then resets the connection without answering.
    ResetAfterRead,
    /// Reads the whole request and never answers (the connection stays open).
    Stall,
    /// Reads the whole request, writes these bytes, then closes the connection.
    Respond(Vec<u8>),
    /// Reads the whole request, writes these bytes, then stalls with the connection open.
    RespondThenStall(Vec<u8>),
    /// Reads the whole request, writes `head`, then `chunk` again and again until `total` body
    /// bytes are written or the client goes away.
    Stream {
        /// The status line and headers, blank line included.
        head: Vec<u8>,
        /// What the body repeats.
        chunk: Vec<u8>,
        /// Body bytes in all.
        total: u64,
    },
}

/// A running misbehaving server; stops when dropped.
pub struct FaultyServer {
    uri: String,
    counts: Arc<Counts>,
    accept: JoinHandle<()>,
}

#[derive(Default)]
struct Counts {
    connections: AtomicUsize,
    requests: AtomicUsize,
    bytes_written: AtomicU64,
}

impl FaultyServer {
    /// Starts a server on 127.0.0.1 that handles connection `n` with `script(n)`.
    pub async fn start(script: impl Fn(usize) -> Script + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let uri = format!("http://{}", listener.local_addr().expect("local address"));
        let counts = Arc::new(Counts::default());
        let shared = Arc::clone(&counts);
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let n = shared.connections.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(stream, script(n), Arc::clone(&shared)));
            }
        });
        FaultyServer { uri, counts, accept }
    }

    /// A server that handles every connection the same way.
    pub async fn always(script: Script) -> Self {
        Self::start(move |_| script.clone()).await
    }

    /// The base URL to point a client at.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.counts.connections.load(Ordering::SeqCst)
    }

    /// Requests read in full (headers and the body their `Content-Length` announced).
    pub fn requests(&self) -> usize {
        self.counts.requests.load(Ordering::SeqCst)
    }

    /// Response bytes the client accepted (written to the socket without error).
    pub fn bytes_written(&self) -> u64 {
        self.counts.bytes_written.load(Ordering::SeqCst)
    }
}

impl Drop for FaultyServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn serve(mut stream: TcpStream, script: Script, counts: Arc<Counts>) {
    if let Script::ResetBeforeRead = script {
        reset(stream);
        return;
    }
    if !read_request(&mut stream).await {
        return;
    }
    counts.requests.fetch_add(1, Ordering::SeqCst);
    match script {
        Script::ResetBeforeRead => {}
        Script::ResetAfterRead => reset(stream),
        Script::Stall => stall(stream).await,
        Script::Respond(bytes) => {
            if write(&mut stream, &bytes, &counts).await {
                let _ = stream.shutdown().await;
            }
        }
        Script::RespondThenStall(bytes) => {
            write(&mut stream, &bytes, &counts).await;
            stall(stream).await;
        }
        Script::Stream { head, chunk, total } => {
            if !write(&mut stream, &head, &counts).await {
                return;
            }
            let mut left = total;
            while left > 0 {
                let n = left.min(chunk.len() as u64) as usize;
                if !write(&mut stream, &chunk[..n], &counts).await {
                    return;
                }
                left -= n as u64;
            }
            let _ = stream.shutdown().await;
        }
    }
}

/// Reads one request: headers up to the blank line, then `Content-Length` bytes of body.
/// `false` when the client went away first.
async fn read_request(stream: &mut TcpStream) -> bool {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize =
        head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    while buf.len() < head_end + length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    true
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

async fn write(stream: &mut TcpStream, bytes: &[u8], counts: &Counts) -> bool {
    match stream.write_all(bytes).await {
        Ok(()) => {
            counts.bytes_written.fetch_add(bytes.len() as u64, Ordering::SeqCst);
            true
        }
        Err(_) => false,
    }
}

/// Closes with RST instead of FIN: SO_LINGER 0, then drop.
fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
}

/// Holds the connection open, answering nothing, until the client closes it or the test's
/// runtime shuts down.
async fn stall(mut stream: TcpStream) {
    let mut sink = [0u8; 1024];
    loop {
        match tokio::time::timeout(Duration::from_secs(3600), stream.read(&mut sink)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return,
            Ok(Ok(_)) => {}
        }
    }
}

/// A complete HTTP/1.1 response with `Content-Length` and `Connection: close`.
pub fn response(status: u16, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = head(status, &[("content-type", content_type), ("content-length", &body.len().to_string())]);
    out.extend_from_slice(body);
    out
}

/// A status line and headers (plus `Connection: close`), ending with the blank line.
pub fn head(status: u16, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("connection: close\r\n\r\n");
    out.into_bytes()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        _ => "Status",
    }
}
