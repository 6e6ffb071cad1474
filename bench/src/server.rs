//! A minimal HTTP/1.1 server for the benchmarks: keep-alive, pipelining, canned answers built
//! once, one thread. It does far less per request than any client measured against it, so the
//! clients' own costs decide the figures.
//!
//! | request | answer |
//! |---|---|
//! | `POST /v2/images/{id}/actions` | 201, the documented action payload |
//! | `GET /v2/images/{id}/actions/{action_id}` | 200, the same payload |
//! | `GET /v2/images/{n}/actions/1` | the same, held back until `n` such requests are waiting (at most 10 s): calls surely all in flight at once |
//! | `GET /__connections` | 200, the number of connections that carried an API request |
//! | anything else | 404, the API's error body |
//!
//! Every API answer carries the headers the real API sends: `ratelimit-*` and `x-request-id`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Barrier;

/// The action whose answer is held back until as many requests for it wait as the image id says.
pub const HELD_ACTION: u64 = 1;

/// The longest an answer is held back, should the rest of its batch never come.
const HOLD_AT_MOST: std::time::Duration = std::time::Duration::from_secs(10);

/// One barrier per batch size; a barrier opens again and again, once per full batch.
#[derive(Default)]
struct Gates(Mutex<HashMap<usize, Arc<Barrier>>>);

impl Gates {
    async fn pass(&self, batch: usize) {
        let barrier = {
            let mut gates = self.0.lock().unwrap_or_else(|e| e.into_inner());
            gates.entry(batch).or_insert_with(|| Arc::new(Barrier::new(batch))).clone()
        };
        let _ = tokio::time::timeout(HOLD_AT_MOST, barrier.wait()).await;
    }
}

use crate::ACTION_PAYLOAD;

const NOT_FOUND_BODY: &str = r#"{"id":"not_found","message":"The resource you requested could not be found."}"#;

/// The answers, rendered once.
struct Answers {
    created: Vec<u8>,
    ok: Vec<u8>,
    not_found: Vec<u8>,
}

impl Answers {
    fn new() -> Self {
        Answers {
            created: render("201 Created", ACTION_PAYLOAD),
            ok: render("200 OK", ACTION_PAYLOAD),
            not_found: render("404 Not Found", NOT_FOUND_BODY),
        }
    }
}

fn render(status: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\n\
         ratelimit-limit: 5000\r\nratelimit-remaining: 4999\r\nratelimit-reset: 1700000000\r\n\
         x-request-id: 2a1b7c7e-5d0a-4a55-9f2e-6c1c4d3b2a10\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Serves on `listener` until the process ends. `api_connections` counts the connections
/// that carried at least one API request (the `/__connections` query does not count).
pub async fn serve(listener: TcpListener, api_connections: Arc<AtomicUsize>) {
    let answers = Arc::new(Answers::new());
    let gates = Arc::new(Gates::default());
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(stream, answers.clone(), gates.clone(), api_connections.clone()));
    }
}

async fn connection(
    mut stream: TcpStream,
    answers: Arc<Answers>,
    gates: Arc<Gates>,
    api_connections: Arc<AtomicUsize>,
) {
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut out: Vec<u8> = Vec::with_capacity(4096);
    let mut counted = false;
    loop {
        let mut start = 0;
        let mut held = None;
        while let Some(request) = parse(&buf[start..]) {
            start += request.len;
            match request.route {
                Route::Connections => {
                    let n = api_connections.load(Ordering::SeqCst).to_string();
                    out.extend_from_slice(&render("200 OK", &n));
                }
                route => {
                    if !counted {
                        counted = true;
                        api_connections.fetch_add(1, Ordering::SeqCst);
                    }
                    if let Route::GetHeld(batch) = route {
                        held = Some(batch);
                    }
                    out.extend_from_slice(match route {
                        Route::Post => &answers.created,
                        Route::Get | Route::GetHeld(_) => &answers.ok,
                        _ => &answers.not_found,
                    });
                }
            }
        }
        buf.drain(..start);
        if let Some(batch) = held {
            gates.pass(batch).await;
        }
        if !out.is_empty() {
            if stream.write_all(&out).await.is_err() {
                return;
            }
            out.clear();
        }
        if buf.len() > 1 << 20 {
            return; // a request this large is not one of ours
        }
        buf.reserve(4096);
        match stream.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Route {
    Post,
    Get,
    GetHeld(usize),
    Connections,
    NotFound,
}

struct Request {
    len: usize,
    route: Route,
}

/// One complete request at the start of `buf`, or `None` when more bytes are needed.
fn parse(buf: &[u8]) -> Option<Request> {
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&buf[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?;
    let path = first.next()?;
    let body_len = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let len = head_end + body_len;
    if buf.len() < len {
        return None;
    }
    Some(Request { len, route: route(method, path) })
}

fn route(method: &str, path: &str) -> Route {
    let path = path.split('?').next().unwrap_or(path);
    if path == "/__connections" {
        return Route::Connections;
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        ("POST", ["v2", "images", _, "actions"]) => Route::Post,
        ("GET", ["v2", "images", batch, "actions", action]) if action.parse() == Ok(HELD_ACTION) => {
            batch.parse().map_or(Route::NotFound, Route::GetHeld)
        }
        ("GET", ["v2", "images", _, "actions", _]) => Route::Get,
        _ => Route::NotFound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_incomplete_requests() {
        let post = b"POST /v2/images/7/actions HTTP/1.1\r\nContent-Length: 18\r\n\r\n{\"type\":\"convert\"}";
        let r = parse(post).expect("complete");
        assert_eq!((r.len, r.route), (post.len(), Route::Post));
        assert!(parse(&post[..post.len() - 1]).is_none(), "body incomplete");
        let get = b"GET /v2/images/7/actions/9 HTTP/1.1\r\nhost: x\r\n\r\n";
        assert_eq!(parse(get).map(|r| r.route), Some(Route::Get));
        let held = b"GET /v2/images/7/actions/1 HTTP/1.1\r\n\r\n";
        assert_eq!(parse(held).map(|r| r.route), Some(Route::GetHeld(7)));
        let other = b"GET /v2/droplets HTTP/1.1\r\n\r\n";
        assert_eq!(parse(other).map(|r| r.route), Some(Route::NotFound));
    }
}
