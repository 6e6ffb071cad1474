//! [`Timestamp`]: a date and time the API sent, parsed when it is one, kept as text when not.
//!
//! typify types `format: date-time` as `chrono::DateTime<Utc>`, which fails a whole response
//! over one timestamp that does not parse (`""`, `"0001-01-01 00:00:00 +0000 UTC"`, Go's zero
//! time in another layout). The generator makes every such field a `Timestamp` instead
//! (setting `timestamp_type`): text that is an RFC 3339 date and time is parsed, anything else
//! is kept as it came and sent back unchanged.
//!
//! chrono reads every RFC 3339 timestamp through its general parser (format items interpreted
//! one by one, then a `Parsed` put together): about 1,300 instructions a timestamp. The API
//! writes UTC with `Z`, with or without fractional seconds; those are read here directly, and
//! anything else goes to chrono, so what parses is what chrono parses.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};

/// A date and time from the API: an instant when the text is an RFC 3339 date and time, the
/// text itself when it is not, so that one odd value does not fail a whole response.
///
/// ```
/// use digitalocean_sdk_types_core::Timestamp;
///
/// let created: Timestamp = serde_json::from_str(r#""2014-11-14T16:29:21Z""#).unwrap();
/// assert_eq!(created.datetime().map(|t| t.timestamp()), Some(1415982561));
/// let odd: Timestamp = serde_json::from_str(r#""0001-01-01 00:00:00 +0000 UTC""#).unwrap();
/// assert_eq!(odd.datetime(), None);
/// assert_eq!(serde_json::to_string(&odd).unwrap(), r#""0001-01-01 00:00:00 +0000 UTC""#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(Repr);

// Parsed first: every parsed timestamp sorts before every unparsed one.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Repr {
    Parsed(DateTime<Utc>),
    Text(Box<str>),
}

impl Timestamp {
    /// The instant, when the API's text was an RFC 3339 date and time.
    pub fn datetime(&self) -> Option<DateTime<Utc>> {
        match &self.0 {
            Repr::Parsed(at) => Some(*at),
            Repr::Text(_) => None,
        }
    }

    /// The text the API sent, when it was not an RFC 3339 date and time.
    pub fn unparsed(&self) -> Option<&str> {
        match &self.0 {
            Repr::Parsed(_) => None,
            Repr::Text(text) => Some(text),
        }
    }

    /// Reads `text`: parsed when it is an RFC 3339 date and time, kept as it is otherwise.
    pub fn from_text(text: &str) -> Self {
        match parse(text) {
            Ok(at) => Timestamp(Repr::Parsed(at)),
            Err(_) => Timestamp(Repr::Text(text.into())),
        }
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(at: DateTime<Utc>) -> Self {
        Timestamp(Repr::Parsed(at))
    }
}

impl PartialEq<DateTime<Utc>> for Timestamp {
    fn eq(&self, other: &DateTime<Utc>) -> bool {
        self.datetime().as_ref() == Some(other)
    }
}

impl FromStr for Timestamp {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Timestamp::from_text(text))
    }
}

/// RFC 3339 in UTC for an instant (`2014-11-14T16:29:21Z`, fractions as needed), the text as
/// it came otherwise.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Parsed(at) => f.write_str(&at.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            Repr::Text(text) => f.write_str(text),
        }
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TimestampText)
    }
}

/// Reads the text where it lies (no copy) when it parses.
struct TimestampText;

impl Visitor<'_> for TimestampText {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date and time as a string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Timestamp::from_text(text))
    }
}

fn parse(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    match utc_z(text.as_bytes()) {
        Some(when) => Ok(when),
        None => text.parse(),
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, or `None` for anything else.
fn utc_z(b: &[u8]) -> Option<DateTime<Utc>> {
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (&last, rest) = b.split_last()?;
    if last != b'Z' {
        return None;
    }
    let nanos = match &rest[19..] {
        [] => 0,
        // chrono reads at most nine digits of a fraction and ignores further ones; leave
        // longer fractions to it.
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            let value = digits_value(digits)?;
            value * 10u32.pow(9 - digits.len() as u32)
        }
        _ => return None,
    };
    let date =
        NaiveDate::from_ymd_opt(digits_value(&b[0..4])? as i32, digits_value(&b[5..7])?, digits_value(&b[8..10])?)?;
    let time =
        date.and_hms_nano_opt(digits_value(&b[11..13])?, digits_value(&b[14..16])?, digits_value(&b[17..19])?, nanos)?;
    Some(time.and_utc())
}

fn digits_value(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What chrono's own `Deserialize` gives.
    fn chrono(text: &str) -> Result<DateTime<Utc>, String> {
        text.parse::<DateTime<Utc>>().map_err(|e| e.to_string())
    }

    #[test]
    fn reads_what_chrono_reads_and_refuses_what_it_refuses() {
        for text in [
            "2014-11-14T16:29:21Z",
            "2014-11-14T16:29:21.5Z",
            "2014-11-14T16:29:21.123456789Z",
            "2014-11-14T16:29:21.1234567891Z",
            "2014-11-14T16:29:21.Z",
            "2014-11-14T16:29:21+02:00",
            "2014-11-14 16:29:21Z",
            "2014-11-14t16:29:21z",
            "2016-12-31T23:59:60Z",
            "2015-02-29T00:00:00Z",
            "2016-02-29T00:00:00Z",
            "2014-13-14T16:29:21Z",
            "2014-11-14T24:00:00Z",
            "2014-11-14T16:29:21",
            "2014-11-14T16:29:2xZ",
            "+2014-11-14T16:29:21Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "",
            "not a time",
        ] {
            assert_eq!(parse(text).map_err(|e| e.to_string()), chrono(text), "{text:?}");
        }
    }

    #[test]
    fn agrees_with_chrono_across_dates_times_and_fractions() {
        // Every 997th hour from 1900 to 2200 (all months, leap years, every hour of the day),
        // each second count, and fractions of 0 to 10 digits.
        let start = DateTime::parse_from_rfc3339("1900-01-01T00:00:00Z").unwrap().timestamp();
        let mut checked = 0;
        for step in 0..2_650i64 {
            let secs = start + step * 997 * 3600 + step % 60;
            let base = DateTime::from_timestamp(secs, 0).unwrap().format("%Y-%m-%dT%H:%M:%S").to_string();
            for digits in 0..=10usize {
                let fraction = if digits == 0 { String::new() } else { format!(".{}", &"1234567890"[..digits]) };
                for zone in ["Z", "z", "+00:00", "-07:30"] {
                    let text = format!("{base}{fraction}{zone}");
                    assert_eq!(parse(&text).map_err(|e| e.to_string()), chrono(&text), "{text:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 100_000);
    }

    #[test]
    fn what_parses_is_an_instant_and_anything_else_is_kept_whole() {
        #[derive(serde::Deserialize, serde::Serialize)]
        struct Fields {
            at: Timestamp,
            done: Option<Timestamp>,
        }
        let fields: Fields = serde_json::from_str(r#"{"at": "2014-11-14T16:29:21Z", "done": null}"#).unwrap();
        assert_eq!(fields.at, chrono("2014-11-14T16:29:21Z").unwrap());
        assert_eq!(fields.done, None);
        let fields: Fields =
            serde_json::from_str(r#"{"at": "2014-11-14T16:29:21\u005a", "done": "2014-11-14T16:30:00.25Z"}"#).unwrap();
        assert_eq!(fields.at.datetime(), chrono("2014-11-14T16:29:21Z").ok());
        assert_eq!(fields.done.and_then(|d| d.datetime()), chrono("2014-11-14T16:30:00.25Z").ok());
        for odd in ["", "yesterday", "0001-01-01 00:00:00 +0000 UTC", "2014-13-14T16:29:21Z"] {
            let json = serde_json::json!({ "at": odd, "done": odd });
            let fields: Fields = serde_json::from_value(json.clone()).unwrap();
            assert_eq!(fields.at.unparsed(), Some(odd));
            assert_eq!(fields.at.datetime(), None);
            assert_eq!(serde_json::to_value(&fields).unwrap(), json, "sent back as it came");
        }
        // Not a string at all is a shape the type does not have.
        assert!(serde_json::from_str::<Fields>(r#"{"at": 5}"#).is_err());
        assert!(serde_json::from_str::<Fields>(r#"{"done": null}"#).is_err(), "a required field");
    }

    #[test]
    fn an_instant_is_written_in_rfc_3339_utc() {
        let at: Timestamp = "2014-11-14T18:29:21.500+02:00".parse().unwrap();
        assert_eq!(at.to_string(), "2014-11-14T16:29:21.500Z");
        assert_eq!(serde_json::to_string(&at).unwrap(), r#""2014-11-14T16:29:21.500Z""#);
        assert_eq!(Timestamp::from(chrono("2014-11-14T16:29:21Z").unwrap()).to_string(), "2014-11-14T16:29:21Z");
        assert!(Timestamp::from_text("2020-01-01T00:00:00Z") < Timestamp::from_text("not a time"));
    }
}
