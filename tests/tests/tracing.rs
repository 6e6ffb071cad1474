//! Every attempt is a `tracing` span with method, path template, status, attempt number,
//! request id and elapsed time; and the token never reaches the logs.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use digitalocean_sdk::{ActionId, ImageId, RetryPolicy};
use tests::{TEST_TOKEN, client_with, fixture_json};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const IMAGE: ImageId = ImageId::new(7938269).unwrap();
const ACTION: ActionId = ActionId::new(36805527).unwrap();

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn subscriber(out: &Captured) -> impl tracing::Subscriber + Send + Sync {
    tracing_subscriber::fmt()
        .with_writer(out.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish()
}

#[tokio::test]
async fn each_attempt_is_a_span_with_its_fields() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_json(serde_json::json!({"id": "x", "message": "y"})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture_json("image_action_post_201.json"))
                .insert_header("x-request-id", "req-42"),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let out = Captured::default();
    let _guard = tracing::subscriber::set_default(subscriber(&out));
    let policy = RetryPolicy::default().base_delay(Duration::from_millis(1)).jitter(false);
    client_with(&server.uri(), policy).image_actions().get(IMAGE, ACTION).await.unwrap();
    let logs = out.text();
    let closes: Vec<&str> =
        logs.lines().filter(|l| l.contains("digitalocean.request") && l.contains("close")).collect();
    assert_eq!(closes.len(), 2, "{logs}");
    for (line, (attempt, status)) in closes.iter().zip([(1, 503), (2, 200)]) {
        assert!(line.contains("method=GET"), "{line}");
        assert!(line.contains("path=\"/v2/images/{image_id}/actions/{action_id}\""), "{line}");
        assert!(line.contains(&format!("attempt={attempt}")), "{line}");
        assert!(line.contains(&format!("status={status}")), "{line}");
        assert!(line.contains("elapsed_ms="), "{line}");
    }
    assert!(closes[1].contains("request_id=\"req-42\"") || closes[1].contains("request_id=req-42"), "{}", closes[1]);
    assert!(!logs.contains(TEST_TOKEN), "the token reached the logs");
}

#[tokio::test]
async fn a_refused_post_is_retried_and_each_attempt_traced() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = Captured::default();
    let _guard = tracing::subscriber::set_default(subscriber(&out));
    let policy = RetryPolicy::default().base_delay(Duration::from_millis(1)).jitter(false).max_attempts(3);
    let err =
        client_with(&format!("http://127.0.0.1:{port}"), policy).image_actions().convert(IMAGE).await.unwrap_err();
    assert!(matches!(err, digitalocean_sdk::Error::Transport { .. }), "{err:?}");
    let logs = out.text();
    let attempts =
        logs.lines().filter(|l| l.contains("digitalocean.request") && l.contains("close") && l.contains("method=POST"));
    assert_eq!(attempts.count(), 3, "{logs}");
    assert!(!logs.contains(TEST_TOKEN));
}
