//! Shared pieces of the benchmarks: the loopback server (run as its own process, so that its
//! CPU and memory never count as the client's), the two clients compared, and small statistics.
//!
//! Every bench binary runs a quick smoke pass when started without `--bench` (that is how
//! `cargo test --all-targets` runs it) and measures only under `cargo bench`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

use digitalocean_sdk::{Client, ImageId, RetryPolicy};

pub mod server;

/// The documented 201 payload of `POST /v2/images/{image_id}/actions`, pinned by the tests.
pub const ACTION_PAYLOAD: &str = include_str!("../../tests/fixtures/image_action_post_201.json");

/// The vendored droplets spec, whose documented examples the droplets page is built from.
const DROPLETS_SPEC: &str = include_str!("../../openapi/vendored/droplets.yaml");

/// Droplets on the page that `decode_droplets` and `bench/pydo_decode.sh` decode: the most the
/// API's `per_page` allows, so the page is as large as a real one gets.
pub const DROPLETS_PER_PAGE: usize = 200;

/// A page of `count` droplets as `GET /v2/droplets` answers it, in JSON: the documented
/// "All Droplets" example (`components.examples.droplets_all` of the vendored spec) with its
/// droplets repeated in turn until there are `count`, each with an id of its own (a decoder
/// that cached anything by value would otherwise look better than it is), and `meta.total`
/// set to `count`. Built from the spec rather than kept as a fixture, so it follows the
/// example when the spec is vendored again.
pub fn droplets_page(count: usize) -> String {
    let spec: serde_json::Value = serde_yaml::from_str(DROPLETS_SPEC).expect("the vendored spec is YAML");
    let mut page = spec["components"]["examples"]["droplets_all"]["value"].clone();
    let documented = page["droplets"].as_array().expect("the example lists droplets").clone();
    assert!(!documented.is_empty(), "the example lists no droplet");
    let droplets: Vec<serde_json::Value> = (0..count)
        .map(|i| {
            let mut droplet = documented[i % documented.len()].clone();
            droplet["id"] = (3_164_444 + i as u64 * 7).into();
            droplet
        })
        .collect();
    page["droplets"] = droplets.into();
    page["meta"] = serde_json::json!({ "total": count });
    serde_json::to_string(&page).expect("encodes")
}

/// The token the benchmark clients send (the loopback server ignores it).
pub const TOKEN: &str = "dop_v1_bench_token_0123456789abcdef";

/// The body of a convert request, as the SDK serializes it.
pub const CONVERT_BODY: &str = r#"{"type":"convert"}"#;

/// The image every call names.
pub const IMAGE: u64 = 7938269;

/// Whether the binary was started by `cargo bench` (which passes `--bench`) rather than by
/// `cargo test`, which wants a quick smoke pass only.
pub fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// The image as the SDK's id type.
pub fn image() -> ImageId {
    ImageId::new(IMAGE).expect("a positive id")
}

/// The loopback server in a child process. Dropping it closes the child's stdin, which ends
/// the child; it is then reaped.
pub struct LoopbackServer {
    child: Child,
    stdin: Option<ChildStdin>,
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
}

impl LoopbackServer {
    /// Starts `server_exe` (the `loopback-server` binary) and waits for its address.
    pub fn start(server_exe: &str) -> Self {
        let mut child = Command::new(server_exe)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {server_exe}: {e}"));
        let stdin = child.stdin.take();
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout")).read_line(&mut line).expect("the server's address");
        let base_url = line.trim().to_owned();
        assert!(base_url.starts_with("http://127.0.0.1:"), "unexpected first line from the server: {line:?}");
        LoopbackServer { child, stdin, base_url }
    }

    /// The connections that have carried an API request so far, asked over a connection of
    /// its own (which the server does not count).
    pub fn api_connections(&self) -> usize {
        let addr = self.base_url.trim_start_matches("http://");
        let mut stream = TcpStream::connect(addr).expect("connect to the loopback server");
        stream.write_all(b"GET /__connections HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").expect("ask");
        stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
        let mut answer = Vec::new();
        // The server keeps the connection open; read until the body is in.
        let mut chunk = [0u8; 1024];
        loop {
            let n = stream.read(&mut chunk).expect("read the count");
            answer.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&answer);
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length: "))
                    .and_then(|v| v.trim().parse().ok())
                    .expect("content-length");
                if body.len() >= len {
                    return body[..len].parse().expect("a count");
                }
            }
            assert!(n > 0, "the server closed before answering");
        }
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// The SDK's client as users get it: default retry policy, timeouts and user agent.
pub fn sdk_client(base_url: &str) -> Client {
    Client::builder(TOKEN).base_url(base_url).retry_policy(RetryPolicy::default()).build().expect("a client")
}

/// The hand-written baseline: one `reqwest::Client` with the SDK's timeouts, each request
/// naming its headers itself.
pub fn raw_client() -> reqwest::Client {
    // reqwest is built without a default crypto provider, and the SDK installs none (each of its
    // clients brings its own): the baseline, an application, installs one for itself.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(digitalocean_sdk::DEFAULT_CONNECT_TIMEOUT)
        .timeout(digitalocean_sdk::DEFAULT_REQUEST_TIMEOUT)
        .build()
        .expect("a reqwest client")
}

/// The user agent the SDK sends, for the raw requests to send the same.
pub fn sdk_user_agent(client: &Client) -> String {
    client.config().user_agent().to_owned()
}

/// The hand-written baseline's request: the same headers and body the SDK sends; the URL is
/// formatted per call (the image varies), the header values prepared once, as careful
/// hand-written code would.
pub struct RawConvert {
    http: reqwest::Client,
    base_url: String,
    authorization: reqwest::header::HeaderValue,
    user_agent: reqwest::header::HeaderValue,
}

impl RawConvert {
    /// A raw caller for `base_url`, sending `user_agent`.
    pub fn new(base_url: &str, user_agent: &str) -> Self {
        RawConvert {
            http: raw_client(),
            base_url: base_url.to_owned(),
            authorization: format!("Bearer {TOKEN}").parse().expect("a header value"),
            user_agent: user_agent.parse().expect("a header value"),
        }
    }

    /// One convert of `image`, decoded into `serde_json::Value`.
    pub async fn send(&self, image: u64) -> serde_json::Value {
        let response = self.convert(image).send().await.expect("the raw request");
        assert_eq!(response.status(), reqwest::StatusCode::CREATED);
        response.json().await.expect("a JSON body")
    }

    /// [`RawConvert::send`] decoding into the SDK's typed `ActionResponse` instead of a
    /// `Value`: what typed decoding alone changes (`bench/instructions.sh`).
    pub async fn send_typed(&self, image: u64) -> digitalocean_sdk::types::ActionResponse {
        let response = self.convert(image).send().await.expect("the raw request");
        assert_eq!(response.status(), reqwest::StatusCode::CREATED);
        response.json().await.expect("a JSON body")
    }

    /// The request both send: the SDK's headers and body. A plain function, not `async`, so it
    /// adds no future to the ones measured.
    fn convert(&self, image: u64) -> reqwest::RequestBuilder {
        use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, USER_AGENT};
        self.http
            .post(format!("{}/v2/images/{image}/actions", self.base_url))
            .header(AUTHORIZATION, self.authorization.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, self.user_agent.clone())
            .body(CONVERT_BODY)
    }
}

/// Order statistics of a sample.
#[derive(Clone, Copy, Debug)]
pub struct Summary {
    /// The smallest value.
    pub min: f64,
    /// The median.
    pub median: f64,
    /// The largest value.
    pub max: f64,
}

/// The summary of `values` (which must not be empty).
pub fn summarize(values: &[f64]) -> Summary {
    assert!(!values.is_empty(), "no samples");
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let median = if !n.is_multiple_of(2) { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 };
    Summary { min: v[0], median, max: v[n - 1] }
}

/// Times two decoders of the same bytes in alternating batches of `batch`, the order flipping
/// each round so that neither always runs on a warmer cache: the nanoseconds per decode of
/// `a` and of `b` in each round, and their per-round ratios `a / b`.
pub fn paired_decodes<A, B>(
    bytes: &[u8],
    rounds: usize,
    batch: usize,
    a: impl Fn(&[u8]) -> A,
    b: impl Fn(&[u8]) -> B,
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let time = |decode: &dyn Fn(&[u8])| {
        let start = std::time::Instant::now();
        for _ in 0..batch {
            decode(std::hint::black_box(bytes));
        }
        start.elapsed().as_secs_f64() * 1e9 / batch as f64
    };
    let time_a = || time(&|x| drop(std::hint::black_box(a(x))));
    let time_b = || time(&|x| drop(std::hint::black_box(b(x))));
    let (mut ta, mut tb, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (x, y) = if round.is_multiple_of(2) {
            let x = time_a();
            (x, time_b())
        } else {
            let y = time_b();
            (time_a(), y)
        };
        ta.push(x);
        tb.push(y);
        ratios.push(x / y);
    }
    (ta, tb, ratios)
}

/// A field of `/proc/self/status` in KiB (`VmRSS`, `VmHWM`); `None` off Linux.
pub fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_samples() {
        assert_eq!(summarize(&[3.0, 1.0, 2.0]).median, 2.0);
        let s = summarize(&[4.0, 1.0, 3.0, 2.0]);
        assert_eq!((s.min, s.median, s.max), (1.0, 2.5, 4.0));
    }

    #[test]
    fn reads_its_own_memory() {
        if cfg!(target_os = "linux") {
            assert!(proc_status_kib("VmRSS").is_some_and(|k| k > 0));
            assert!(proc_status_kib("VmHWM").is_some_and(|k| k > 0));
        }
    }
}
