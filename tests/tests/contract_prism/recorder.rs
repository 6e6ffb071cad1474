//! A recording reverse proxy between the SDK and Prism. The SDK's `Response` does not expose
//! headers, and Prism reports what it found wrong with a request in the `sl-violations` header
//! (and a 422 status), so the proxy keeps, for every exchange, the request line, the status and
//! the violations. It forwards bytes unchanged; `Prefer` is the one header it may add (to ask
//! Prism for schema-generated data), and it is not part of what Prism validates.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{CONNECTION, CONTENT_LENGTH, HOST, HeaderValue, TRANSFER_ENCODING};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// One request the SDK sent and what Prism answered.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// `POST /v2/images/1/actions`, query included.
    pub request: String,
    pub status: u16,
    /// Prism's `sl-violations`, one `severity location: message` line each.
    pub violations: Vec<String>,
}

impl Exchange {
    /// Whether Prism found anything wrong with the request.
    pub fn rejected(&self) -> bool {
        self.status == 422 || !self.violations.is_empty()
    }

    /// What Prism found wrong with the request itself: a 422 or a violation of the request.
    /// Prism also validates the answer it builds, and reports (with a 500) where the spec's own
    /// example breaks the spec's schema; that says nothing of the request.
    // Only the whole-API walk judges the two apart; the image-action runs judge both at once.
    #[cfg(feature = "whole-api")]
    pub fn request_violations(&self) -> Vec<&str> {
        let mut found: Vec<&str> = self.violations.iter().map(String::as_str).filter(|v| !about_response(v)).collect();
        if found.is_empty() && self.status == 422 {
            found.push("422 without a violation of the request");
        }
        found
    }

    /// The violations Prism found in its own answer (see [`Exchange::request_violations`]).
    #[cfg(feature = "whole-api")]
    pub fn response_violations(&self) -> Vec<&str> {
        self.violations.iter().map(String::as_str).filter(|v| about_response(v)).collect()
    }
}

/// The proxy; it stops when dropped.
pub struct Recorder {
    /// Where the SDK sends requests: `http://127.0.0.1:PORT`.
    pub url: String,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
    task: JoinHandle<()>,
}

impl Recorder {
    /// Starts a proxy to `upstream`, adding `prefer` as a `Prefer` header when given.
    pub async fn start(upstream: &str, prefer: Option<&'static str>) -> Recorder {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await.expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("bound"));
        let exchanges = Arc::new(Mutex::new(Vec::new()));
        // reqwest is built without a default crypto provider, and the SDK installs none: this test
        // program, an application, installs one for its own plain client.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let forward = Arc::new(Forward {
            upstream: upstream.to_owned(),
            prefer,
            http: reqwest::Client::builder().build().expect("a plain http client"),
            exchanges: Arc::clone(&exchanges),
        });
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let forward = Arc::clone(&forward);
                tokio::spawn(async move {
                    let service = service_fn(move |req| {
                        let forward = Arc::clone(&forward);
                        async move { Ok::<_, Infallible>(forward.handle(req).await) }
                    });
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        Recorder { url, exchanges, task }
    }

    /// How many exchanges so far; pass it to [`Recorder::since`] after a call.
    pub fn count(&self) -> usize {
        self.lock().len()
    }

    /// The exchanges after the first `start`.
    pub fn since(&self, start: usize) -> Vec<Exchange> {
        self.lock()[start..].to_vec()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Exchange>> {
        self.exchanges.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Forward {
    upstream: String,
    prefer: Option<&'static str>,
    http: reqwest::Client,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
}

impl Forward {
    async fn handle(&self, req: Request<Incoming>) -> Response<Full<Bytes>> {
        let (parts, body) = req.into_parts();
        let target = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/").to_owned();
        let request = format!("{} {target}", parts.method);
        let body = match body.collect().await {
            Ok(b) => b.to_bytes(),
            Err(e) => return self.fail(request, format!("reading the request body: {e}")),
        };
        let mut headers = parts.headers;
        for hop in [HOST, CONTENT_LENGTH, CONNECTION, TRANSFER_ENCODING] {
            headers.remove(hop);
        }
        if let Some(prefer) = self.prefer {
            headers.insert("prefer", HeaderValue::from_static(prefer));
        }
        let sent = self
            .http
            .request(parts.method, format!("{}{target}", self.upstream))
            .headers(headers)
            .body(body)
            .send()
            .await;
        let answer = match sent {
            Ok(a) => a,
            Err(e) => return self.fail(request, format!("forwarding to prism: {e}")),
        };
        let status = answer.status();
        let mut headers = answer.headers().clone();
        let mut violations = headers.get("sl-violations").map(violations).unwrap_or_default();
        let body = match answer.bytes().await {
            Ok(b) => b,
            Err(e) => return self.fail(request, format!("reading prism's answer: {e}")),
        };
        if violations.is_empty()
            && let Some(problem) = prism_problem(&body)
        {
            violations.push(problem);
        }
        self.record(Exchange { request, status: status.as_u16(), violations });
        for hop in [CONTENT_LENGTH, CONNECTION, TRANSFER_ENCODING] {
            headers.remove(hop);
        }
        let mut response = Response::new(Full::new(body));
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        response
    }

    /// A proxy failure is recorded as a 502 carrying the reason, so the test reports it.
    fn fail(&self, request: String, reason: String) -> Response<Full<Bytes>> {
        self.record(Exchange { request, status: 502, violations: vec![format!("proxy: {reason}")] });
        let mut response = Response::new(Full::new(Bytes::from(reason)));
        *response.status_mut() = StatusCode::BAD_GATEWAY;
        response
    }

    fn record(&self, exchange: Exchange) {
        self.exchanges.lock().unwrap_or_else(|e| e.into_inner()).push(exchange);
    }
}

/// Whether a `severity location: message` line is about the response (`response.body...`).
#[cfg(feature = "whole-api")]
fn about_response(violation: &str) -> bool {
    violation.split_once(' ').is_some_and(|(_, rest)| rest.starts_with("response"))
}

/// `sl-violations` is a JSON array of `{location: [..], severity, code, message}`.
fn violations(header: &HeaderValue) -> Vec<String> {
    let text = String::from_utf8_lossy(header.as_bytes());
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(&text) else {
        return vec![format!("unparsed sl-violations: {text}")];
    };
    items
        .iter()
        .map(|v| {
            let location = v["location"]
                .as_array()
                .map(|parts| parts.iter().filter_map(|p| p.as_str()).collect::<Vec<_>>().join("."))
                .unwrap_or_default();
            let severity = v["severity"].as_str().unwrap_or("?");
            let message = v["message"].as_str().unwrap_or("");
            format!("{severity} {location}: {message}")
        })
        .collect()
}

/// Prism's own problem body (`{"type": "https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR",
/// "title": .., "detail": ..}`), as one line; `None` for any other body, the spec's own error
/// bodies included.
fn prism_problem(body: &[u8]) -> Option<String> {
    let problem: serde_json::Value = serde_json::from_slice(body).ok()?;
    let kind = problem["type"].as_str()?.strip_prefix("https://stoplight.io/prism/errors#")?;
    let title = problem["title"].as_str().unwrap_or("");
    let detail = problem["detail"].as_str().unwrap_or("");
    Some(format!("Error {kind}: {title}; {detail}"))
}
