//! The API's rate-limit headers, read from every response.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderName};

// Named once: looking a header up by `&str` parses and validates the name on every call.
const LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("ratelimit-reset");
/// The header carrying the API's request id.
pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Where the account stands against the API's rate limit, from the `ratelimit-*` headers that
/// come with every response, errors included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// Requests allowed in the current window (`ratelimit-limit`).
    pub limit: u64,
    /// Requests left in the current window (`ratelimit-remaining`).
    pub remaining: u64,
    /// When the window resets, in seconds since the Unix epoch (`ratelimit-reset`).
    pub reset: u64,
}

impl RateLimit {
    /// Reads the three headers; `None` unless all three are present and numeric.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        Some(RateLimit {
            limit: header_u64(headers, &LIMIT)?,
            remaining: header_u64(headers, &REMAINING)?,
            reset: header_u64(headers, &RESET)?,
        })
    }

    /// The time left until the window resets, measured against this machine's clock (zero if
    /// the reset has passed).
    pub fn reset_in(&self) -> Duration {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        Duration::from_secs(self.reset.saturating_sub(now))
    }
}

fn header_u64(headers: &HeaderMap, name: &HeaderName) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// The `Retry-After` header as a duration: either delay-seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    // The system clock directly: chrono's `clock` feature (and its time-zone crate) only for
    // `Utc::now` is not worth its build time.
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let secs = when.timestamp() - now;
    Some(Duration::from_secs(secs.max(0) as u64))
}

/// The request id the API sends as `x-request-id`.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    headers.get(&REQUEST_ID)?.to_str().ok().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_all_three_or_nothing() {
        let mut h = HeaderMap::new();
        h.insert("ratelimit-limit", "5000".parse().unwrap());
        h.insert("ratelimit-remaining", "4999".parse().unwrap());
        assert_eq!(RateLimit::from_headers(&h), None);
        h.insert("ratelimit-reset", "1700000000".parse().unwrap());
        assert_eq!(RateLimit::from_headers(&h), Some(RateLimit { limit: 5000, remaining: 4999, reset: 1_700_000_000 }));
    }

    #[test]
    fn retry_after_seconds_and_date() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
    }
}
