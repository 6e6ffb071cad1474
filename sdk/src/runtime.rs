//! What the generated `Client` carries for the hand-written hooks: the retry policy and the
//! latest rate limit seen.

use std::sync::{Arc, Mutex};

use crate::RateLimit;
use crate::config::{DEFAULT_MAX_RESPONSE_BYTES, Token};
use crate::retry::RetryPolicy;

/// The state the generated client hands to its hooks (progenitor's "inner type").
#[derive(Clone, Debug)]
pub struct Runtime {
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: u64,
    pub(crate) last_rate_limit: Arc<Mutex<Option<RateLimit>>>,
    /// The token the requests carry, so that a server echoing it back (an error page quoting
    /// the `Authorization` header) cannot put it into an [`Error`](crate::Error).
    pub(crate) token: Option<Token>,
}

impl Runtime {
    /// A runtime with this retry policy and the default response size limit.
    pub fn new(retry: RetryPolicy) -> Self {
        Runtime {
            retry,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            last_rate_limit: Arc::new(Mutex::new(None)),
            token: None,
        }
    }

    /// The same runtime with another response size limit, in bytes.
    pub fn with_max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    pub(crate) fn with_token(mut self, token: Token) -> Self {
        self.token = Some(token);
        self
    }

    /// The rate limit from the most recent response of any call.
    pub fn last_rate_limit(&self) -> Option<RateLimit> {
        *self.last_rate_limit.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn remember(&self, rate_limit: RateLimit) {
        *self.last_rate_limit.lock().unwrap_or_else(|e| e.into_inner()) = Some(rate_limit);
    }
}
