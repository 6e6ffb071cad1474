//! The API's rate-limit headers, read from every response.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// The header carrying the API's request id. Named once: looking a header up by `&str` parses
/// and validates the name on every call.
pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Where the account stands against the API's rate limit, from the `ratelimit-*` headers that
/// come with every response, errors included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
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
        scan(headers).0
    }

    /// The time left until the window resets, measured against this machine's clock (zero if
    /// the reset has passed).
    pub fn reset_in(&self) -> Duration {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        Duration::from_secs(self.reset.saturating_sub(now))
    }
}

/// The rate limit and the `x-request-id` of a response, in one pass over its headers. This
/// runs on every response: four lookups by name, each hashing the name, cost several times
/// more than one walk over the dozen headers a response has.
pub(crate) fn scan(headers: &HeaderMap) -> (Option<RateLimit>, Option<&HeaderValue>) {
    let (mut limit, mut remaining, mut reset, mut request_id) = (None, None, None, None);
    // A name's first value, as `HeaderMap::get` gives it: later repeats are ignored.
    for (name, value) in headers {
        match name.as_str() {
            "ratelimit-limit" if limit.is_none() => limit = Some(value),
            "ratelimit-remaining" if remaining.is_none() => remaining = Some(value),
            "ratelimit-reset" if reset.is_none() => reset = Some(value),
            "x-request-id" if request_id.is_none() => request_id = Some(value),
            _ => {}
        }
    }
    let rate_limit =
        || Some(RateLimit { limit: number(limit?)?, remaining: number(remaining?)?, reset: number(reset?)? });
    (rate_limit(), request_id)
}

/// What `value.to_str()?.trim().parse::<u64>()` accepts (blanks around an optional `+` and
/// decimal digits), in one pass instead of three.
fn number(value: &HeaderValue) -> Option<u64> {
    // A header value holds no line breaks or other controls but tab: trimming ASCII white
    // space is trimming what `str::trim` would.
    let digits = value.as_bytes().trim_ascii();
    let digits = digits.strip_prefix(b"+").unwrap_or(digits);
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &b| {
        if b.is_ascii_digit() { n.checked_mul(10)?.checked_add(u64::from(b - b'0')) } else { None }
    })
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
        h.insert("ratelimit-limit", "lots".parse().unwrap());
        assert_eq!(RateLimit::from_headers(&h), None);
    }

    #[test]
    fn numbers_are_read_as_str_parse_reads_them() {
        let reference = |v: &HeaderValue| v.to_str().ok()?.trim().parse::<u64>().ok();
        let cases: &[&[u8]] = &[
            b"0",
            b"5000",
            b" 42\t",
            b"+7",
            b"++7",
            b"+",
            b"",
            b"  ",
            b"-1",
            b"1.5",
            b"12a",
            b"007",
            b"18446744073709551615",
            b"18446744073709551616",
            b"99999999999999999999",
            b"4 2",
            b"\xc3\xa9",
        ];
        for bytes in cases {
            let value = HeaderValue::from_bytes(bytes).unwrap();
            assert_eq!(number(&value), reference(&value), "{value:?}");
        }
    }

    #[test]
    fn the_first_value_of_a_repeated_header_counts() {
        let mut h = HeaderMap::new();
        h.append("x-request-id", "first".parse().unwrap());
        h.append("x-request-id", "second".parse().unwrap());
        for (name, value) in [("ratelimit-limit", " 5000 "), ("ratelimit-remaining", "1"), ("ratelimit-reset", "9")] {
            h.append(name, value.parse().unwrap());
            h.append(name, "7".parse().unwrap());
        }
        let (rate_limit, request_id) = scan(&h);
        assert_eq!(rate_limit, Some(RateLimit { limit: 5000, remaining: 1, reset: 9 }));
        assert_eq!(request_id.and_then(|v| v.to_str().ok()), Some("first"));
        assert_eq!(h.get(&REQUEST_ID).and_then(|v| v.to_str().ok()), Some("first"));
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
