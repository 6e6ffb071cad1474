//! Counts the SDK's attempts from its tracing spans (one `digitalocean.request` span per
//! attempt), for faults where no server is there to count requests: a refused connection.
//!
//! tracing decides once per call site whether any subscriber listens, so a subscriber set
//! while another thread first reaches the SDK's span can be missed for good. The counter is
//! therefore one global subscriber, installed before the first SDK call of the test binary,
//! counting per thread: use it in a test binary whose every test starts with
//! [`AttemptCounter::start`], on a current-thread runtime (`#[tokio::test]`), which polls every
//! future of the test on the test's own thread.

use std::cell::Cell;
use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};

use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// The span the SDK opens for each attempt.
pub const ATTEMPT_SPAN: &str = "digitalocean.request";

thread_local! {
    static ATTEMPTS: Cell<usize> = const { Cell::new(0) };
}

/// Counts attempt spans opened on the current thread.
pub struct AttemptCounter(());

impl AttemptCounter {
    /// Installs the global counting subscriber (once per binary) and starts this thread's
    /// count from zero.
    pub fn start() -> Self {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            tracing::subscriber::set_global_default(Counter { next_id: AtomicU64::new(1) })
                .expect("no other global subscriber in this test binary");
        });
        ATTEMPTS.with(|c| c.set(0));
        AttemptCounter(())
    }

    /// Attempts seen on this thread since [`AttemptCounter::start`].
    pub fn attempts(&self) -> usize {
        ATTEMPTS.with(Cell::get)
    }
}

struct Counter {
    next_id: AtomicU64,
}

impl Subscriber for Counter {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        if span.metadata().name() == ATTEMPT_SPAN {
            ATTEMPTS.with(|c| c.set(c.get() + 1));
        }
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed))
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, _: &Event<'_>) {}

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}
