//! The token never shows: not in any `Debug` or `Display` of the client, its configuration or
//! any error, not in a panic message, and not in TRACE-level logs of the SDK, reqwest, hyper or
//! rustls. Every error variant the SDK can produce is made for real against loopback servers
//! while a distinctive token is in use, including servers that echo the token back.

use std::io::Write;
use std::net::{Ipv4Addr, TcpListener};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use digitalocean_sdk::{ActionId, Client, Config, Error, ImageId, RetryPolicy, Token};
use serde_json::json;
use tests::fixture_json;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Distinctive enough that any appearance is a leak, never a coincidence.
const SECRET: &str = "dop_v1_c4n4ry5ecr3t7f3a9c2e1b0d8f6a4c2e0b9d7f5a3c1e";
/// The middle of the token: a partial leak (a truncated excerpt) still contains it.
const SECRET_CORE: &str = "c4n4ry5ecr3t";

const IMAGE: ImageId = ImageId::new(7938269).unwrap();
const ACTION: ActionId = ActionId::new(36805527).unwrap();

fn assert_hidden(what: &str, text: &str) {
    assert!(!text.contains(SECRET_CORE), "{what} shows the token:\n{text}");
}

// --- TRACE capture -------------------------------------------------------------------------

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffer {
    type Writer = Buffer;
    fn make_writer(&'a self) -> Buffer {
        self.clone()
    }
}

/// Everything logged at TRACE by every target in this process (the `log` records of reqwest
/// and rustls included), from the first call on.
fn logs() -> &'static Buffer {
    static LOGS: OnceLock<Buffer> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Buffer::default();
        tracing_log::LogTracer::init().expect("no other logger in this test binary");
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(FmtSpan::FULL)
            .with_writer(buffer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other subscriber in this test binary");
        buffer
    })
}

fn captured_logs() -> String {
    String::from_utf8_lossy(&logs().0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
}

/// The logs hold no token, and they are real: the SDK's span and reqwest's records are there.
fn assert_logs_hidden() {
    let text = captured_logs();
    assert!(text.contains("digitalocean.request"), "the SDK's span is captured:\n{text}");
    assert!(text.contains("reqwest::"), "reqwest's records are captured:\n{text}");
    assert!(text.contains("hyper"), "hyper's records are captured:\n{text}");
    assert_hidden("TRACE output", &text);
}

// --- clients and errors --------------------------------------------------------------------

fn client_for(base_url: &str) -> Client {
    logs();
    Client::builder(SECRET)
        .base_url(base_url)
        .retry_policy(RetryPolicy::none())
        .request_timeout(Duration::from_millis(500))
        .build()
        .expect("client")
}

/// `get` against a server that answers it with `response`.
async fn get_error(response: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    Mock::given(path(format!("/v2/images/{IMAGE}/actions/{ACTION}"))).respond_with(response).mount(&server).await;
    client_for(&server.uri()).image_actions().get(IMAGE, ACTION).await.expect_err("the call fails")
}

/// Every way an error can be printed or carried, checked for the token.
fn assert_error_hidden(what: &str, error: &Error) {
    assert_hidden(&format!("{what}: Debug"), &format!("{error:?}"));
    assert_hidden(&format!("{what}: pretty Debug"), &format!("{error:#?}"));
    assert_hidden(&format!("{what}: Display"), &format!("{error}"));
    if let Some(body) = error.body() {
        assert_hidden(&format!("{what}: body"), body);
    }
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        assert_hidden(&format!("{what}: source"), &format!("{s} / {s:?}"));
        source = s.source();
    }
}

/// The messages of the panics an application raises with the error in hand: `Result::expect`
/// and `Result::unwrap` (which print the error's `Debug`), and `Option::expect` with a message
/// built from the error's `Display`.
fn panic_messages(error: Error) -> Vec<String> {
    let message = |payload: Box<dyn std::any::Any + Send>| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    };
    let context = format!("no action: {error}");
    // `black_box` keeps the values opaque, as they are in real code.
    let result: Result<(), Error> = std::hint::black_box(Err(error));
    let from_expect = catch_unwind(AssertUnwindSafe(|| result.as_ref().expect("the call failed"))).expect_err("panics");
    let from_unwrap = catch_unwind(AssertUnwindSafe(|| result.as_ref().unwrap())).expect_err("panics");
    let action: Option<()> = std::hint::black_box(None);
    let from_option = catch_unwind(AssertUnwindSafe(|| action.expect(&context))).expect_err("panics");
    vec![message(from_expect), message(from_unwrap), message(from_option)]
}

fn assert_everything_hidden(what: &str, error: Error) {
    assert_error_hidden(what, &error);
    for message in panic_messages(error) {
        assert!(!message.is_empty(), "the panic message was captured");
        assert_hidden(&format!("{what}: panic message"), &message);
    }
}

// --- tests ---------------------------------------------------------------------------------

#[tokio::test]
async fn client_config_builder_and_token_never_print_it() {
    let builder = Client::builder(SECRET).base_url("http://127.0.0.1:9");
    assert_hidden("ClientBuilder Debug", &format!("{builder:?} {builder:#?}"));
    let client = builder.clone().build().unwrap();
    let config: &Config = client.config();
    assert_hidden("Config Debug", &format!("{config:?} {config:#?}"));
    assert_hidden("Client Debug", &format!("{client:?} {client:#?}"));
    let token = Token::new(SECRET);
    assert_hidden("Token", &format!("{token:?} {token:#?} {token}"));
    // The check itself works: the token is really in there, and found when printed.
    assert!(format!("{SECRET:?}").contains(SECRET_CORE));
}

#[tokio::test]
async fn api_errors_never_print_it() {
    for (status, fixture) in [
        (401, "error_401_unauthorized.json"),
        (404, "error_404_not_found.json"),
        (429, "error_429_too_many_requests.json"),
        (500, "error_500_server_error.json"),
    ] {
        let error = get_error(
            ResponseTemplate::new(status).set_body_json(fixture_json(fixture)).insert_header("retry-after", "1"),
        )
        .await;
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{error:?}");
        assert!(matches!(error, Error::Api(_)), "{error:?}");
        assert_everything_hidden(&format!("Api {status}"), error);
    }
    assert_logs_hidden();
}

/// A proxy or a debugging server that echoes the request's `Authorization` header back in its
/// error page or error message: the SDK must not carry that echo into its errors.
#[tokio::test]
async fn an_echoed_token_is_redacted_from_errors() {
    let html = format!("<html><body><h1>502 Bad Gateway</h1><pre>Authorization: Bearer {SECRET}</pre></body></html>");
    let error = get_error(ResponseTemplate::new(200).set_body_raw(html, "text/html")).await;
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(format!("{error}").contains("502 Bad Gateway"), "the excerpt is still there: {error}");
    assert!(error.body().is_some_and(|b| b.contains("Authorization: Bearer <redacted>")), "{:?}", error.body());
    assert_everything_hidden("Decode of an echoing HTML page", error);

    let body = json!({"id": "unauthorized", "message": format!("token {SECRET} is not valid"), "request_id": SECRET});
    let error = get_error(ResponseTemplate::new(401).set_body_json(body)).await;
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_everything_hidden("Api 401 echoing the token", error);

    // A token where a number belongs: serde's message quotes the unexpected value.
    let mut action = fixture_json("image_action_post_201.json");
    action["action"]["id"] = json!(SECRET);
    let error = get_error(ResponseTemplate::new(200).set_body_json(action)).await;
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_everything_hidden("Decode of a body quoting the token", error);
    assert_logs_hidden();
}

#[tokio::test]
async fn decode_timeout_transport_and_unexpected_status_never_print_it() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let error = get_error(ResponseTemplate::new(200).set_body_raw(html, "text/html")).await;
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_everything_hidden("Decode of HTML", error);

    let slow = ResponseTemplate::new(200).set_body_json(fixture_json("image_action_post_201.json"));
    let error = get_error(slow.set_delay(Duration::from_secs(3))).await;
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert_everything_hidden("Timeout", error);

    let error = get_error(ResponseTemplate::new(302)).await;
    assert!(matches!(error, Error::UnexpectedStatus { .. }), "{error:?}");
    assert_everything_hidden("UnexpectedStatus", error);

    // A port that was just free: nothing listens there, so the connection is refused.
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap().local_addr().unwrap().port();
    let error = client_for(&format!("http://127.0.0.1:{port}")).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_everything_hidden("Transport (connection refused)", error);
    assert_logs_hidden();
}

#[tokio::test]
async fn invalid_requests_and_wait_errors_never_print_it() {
    let server = MockServer::start().await;
    let client = client_for(&server.uri());
    let error = client.image_actions().list(IMAGE).page(0).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert_everything_hidden("InvalidRequest", error);

    let mut errored = fixture_json("image_action_post_201.json");
    errored["action"]["status"] = json!("errored");
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(errored)).mount(&server).await;
    let error = client.image_actions().wait(IMAGE, ACTION).await.unwrap_err();
    assert!(matches!(error, Error::ActionErrored(_)), "{error:?}");
    assert_everything_hidden("ActionErrored", error);

    let running = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json("image_action_post_201.json")))
        .mount(&running)
        .await;
    let client = client_for(&running.uri());
    let wait = client.image_actions().wait(IMAGE, ACTION).timeout(Duration::from_millis(50));
    let error = wait.poll_interval(Duration::from_millis(10)).await.unwrap_err();
    assert!(matches!(error, Error::WaitTimeout { .. }), "{error:?}");
    assert_everything_hidden("WaitTimeout", error);
    assert_logs_hidden();
}

#[test]
fn config_errors_never_print_it() {
    let bad_tokens = [
        format!("{SECRET}\ninjected: header"),
        format!("{} {}", &SECRET[..20], &SECRET[20..]),
        format!("{SECRET}\u{7f}"),
        format!("\t{SECRET}\r\nx"),
    ];
    for token in bad_tokens {
        let error =
            Client::builder(token.clone()).build().expect_err("a token with white space or controls is refused");
        assert!(matches!(error, Error::Config(_)), "{error:?}");
        assert_everything_hidden(&format!("Config error for {:?}", token.len()), error);
    }
    for url in ["http://api.example.com", "ftp://127.0.0.1", "not a url"] {
        let error = Client::builder(SECRET).base_url(url).build().expect_err("refused");
        assert!(matches!(error, Error::Config(_)), "{error:?}");
        assert_everything_hidden(&format!("Config error for base URL {url}"), error);
    }
    let error = Client::builder("").build().expect_err("an empty token is refused");
    assert_everything_hidden("Config error for an empty token", error);
}

/// The guard itself: a token that does get printed is caught.
#[test]
#[should_panic(expected = "shows the token")]
fn a_printed_token_is_caught() {
    assert_hidden("a deliberate leak", &format!("Authorization: Bearer {SECRET}"));
}
