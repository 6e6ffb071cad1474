//! Counts the SDK's attempts from its tracing spans (one `digitalocean.request` span per
//! attempt), for faults where no server is there to count requests: a refused connection.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::DefaultGuard;
use tracing::{Event, Metadata, Subscriber};

/// The span the SDK opens for each attempt.
pub const ATTEMPT_SPAN: &str = "digitalocean.request";

/// Counts attempt spans opened on this thread while it is alive.
pub struct AttemptCounter {
    count: Arc<AtomicUsize>,
    _guard: DefaultGuard,
}

impl AttemptCounter {
    /// Starts counting on the current thread (a current-thread runtime polls every future of
    /// the test on it, so `#[tokio::test]` sees all attempts).
    pub fn start() -> Self {
        let count = Arc::new(AtomicUsize::new(0));
        let subscriber = Counter { count: Arc::clone(&count), next_id: AtomicU64::new(1) };
        AttemptCounter { count, _guard: tracing::subscriber::set_default(subscriber) }
    }

    /// Attempts seen so far.
    pub fn attempts(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

struct Counter {
    count: Arc<AtomicUsize>,
    next_id: AtomicU64,
}

impl Subscriber for Counter {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        if span.metadata().name() == ATTEMPT_SPAN {
            self.count.fetch_add(1, Ordering::SeqCst);
        }
        Id::from_u64(self.next_id.fetch_add(1, Ordering::SeqCst))
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, _: &Event<'_>) {}

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}
