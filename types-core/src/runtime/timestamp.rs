//! Timestamps in responses, decoded the way chrono decodes them, faster for the form the API
//! writes (`2014-11-14T16:29:21Z`).
//!
//! chrono reads every RFC 3339 timestamp through its general parser (format items interpreted
//! one by one, then a `Parsed` put together): about 1,300 instructions a timestamp. The API
//! writes UTC with `Z`, with or without fractional seconds; those are read here directly.
//! Anything else (an offset, a space instead of `T`, a leap second, a malformed value) goes to
//! chrono as before, so what is accepted, what is refused and with which message do not
//! change. The generator attaches these functions to every timestamp field (setting
//! `timestamp_deserializer`).

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserializer;
use serde::de::{self, Visitor};

/// A required timestamp.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    deserializer.deserialize_str(Timestamp)
}

/// A timestamp that may be `null`.
pub fn deserialize_option<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    deserializer.deserialize_option(MaybeTimestamp)
}

/// Reads the text where it lies (no copy), as chrono's own visitor does.
struct Timestamp;

impl Visitor<'_> for Timestamp {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // chrono's words, so that a type error reads the same.
        f.write_str("an RFC 3339 formatted date and time string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        from_text(text).map_err(E::custom)
    }
}

struct MaybeTimestamp;

impl<'de> Visitor<'de> for MaybeTimestamp {
    type Value = Option<DateTime<Utc>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("option")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserialize(deserializer).map(Some)
    }
}

fn from_text(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
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
            assert_eq!(from_text(text).map_err(|e| e.to_string()), chrono(text), "{text:?}");
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
                    assert_eq!(from_text(&text).map_err(|e| e.to_string()), chrono(&text), "{text:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 100_000);
    }

    #[test]
    fn fields_decode_as_chrono_decodes_them() {
        #[derive(serde::Deserialize)]
        struct Fields {
            #[serde(deserialize_with = "deserialize")]
            at: DateTime<Utc>,
            #[serde(deserialize_with = "deserialize_option")]
            done: Option<DateTime<Utc>>,
        }
        let fields: Fields = serde_json::from_str(r#"{"at": "2014-11-14T16:29:21Z", "done": null}"#).unwrap();
        assert_eq!(fields.at, chrono("2014-11-14T16:29:21Z").unwrap());
        assert_eq!(fields.done, None);
        let fields: Fields =
            serde_json::from_str(r#"{"at": "2014-11-14T16:29:21\u005a", "done": "2014-11-14T16:30:00.25Z"}"#).unwrap();
        assert_eq!(fields.at, chrono("2014-11-14T16:29:21Z").unwrap());
        assert_eq!(fields.done, chrono("2014-11-14T16:30:00.25Z").ok());
        let err = serde_json::from_str::<Fields>(r#"{"at": "yesterday", "done": null}"#).err().unwrap();
        let expected = serde_json::from_str::<DateTime<Utc>>(r#""yesterday""#).err().unwrap();
        assert_eq!(err.to_string().split(" at line").next(), expected.to_string().split(" at line").next());
        assert!(serde_json::from_str::<Fields>(r#"{"at": "2014-11-14T16:29:21Z"}"#).is_err(), "a required field");
        for (json, expected) in
            [(r#"{"at": 5, "done": null}"#, r#"5"#), (r#"{"at": "2014-11-14T16:29:21Z", "done": 5}"#, r#"5"#)]
        {
            let ours = serde_json::from_str::<Fields>(json).err().unwrap().to_string();
            let theirs = serde_json::from_str::<Option<DateTime<Utc>>>(expected).err().unwrap().to_string();
            assert_eq!(ours.split(" at line").next(), theirs.split(" at line").next(), "{json}");
        }
    }
}
