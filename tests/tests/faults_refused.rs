//! Fault injection, continued: a refused connection. Nothing listens, so nothing can count
//! requests; the attempts are counted from the SDK's per-attempt tracing spans, with a global
//! subscriber, which is why these cases have a test binary of their own (see `tests::attempts`).

use std::time::Duration;

use digitalocean_sdk::{ActionId, Error, ImageId, RetryPolicy};
use tests::attempts::AttemptCounter;

const IMAGE: ImageId = ImageId::new(7938269).unwrap();
const ACTION: ActionId = ActionId::new(36805527).unwrap();

fn fast(attempts: u32) -> RetryPolicy {
    RetryPolicy::default().max_attempts(attempts).base_delay(Duration::from_millis(1)).jitter(false)
}

/// A port nothing listens on: bound, then released.
async fn refused_uri() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    uri
}

/// A refused connection carried nothing: safe to retry, even a POST.
#[tokio::test]
async fn connection_refused_post_is_retried_up_to_the_policy() {
    let counter = AttemptCounter::start();
    let uri = refused_uri().await;
    let err = tests::client_with(&uri, fast(3)).image_actions().convert(IMAGE).await.unwrap_err();
    assert!(matches!(&err, Error::Transport { source, .. } if source.is_connect()), "{err:?}");
    assert_eq!(counter.attempts(), 3);
}

#[tokio::test]
async fn connection_refused_get_is_retried_up_to_the_policy() {
    let counter = AttemptCounter::start();
    let uri = refused_uri().await;
    let err = tests::client_with(&uri, fast(4)).image_actions().get(IMAGE, ACTION).await.unwrap_err();
    assert!(matches!(&err, Error::Transport { source, .. } if source.is_connect()), "{err:?}");
    assert_eq!(counter.attempts(), 4);
}
