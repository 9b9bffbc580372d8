//! Reading durations from configuration text: `"250ms"`, `"30s"`, `"5m"`,
//! `"1h"`, or a bare number of seconds.

#[cfg(feature = "config")]
use serde::{Deserialize, Deserializer};
use std::time::Duration;

/// Parses a duration written as a number with a unit (`ms`, `s`, `m`, `h`)
/// or a bare number of seconds (`1.5`).
///
/// # Errors
///
/// Returns a message naming the accepted spellings when `text` is not one.
///
/// # Examples
///
/// ```
/// use socketserver::config::parse_duration;
/// use std::time::Duration;
///
/// assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
/// assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
/// assert!(parse_duration("soon").is_err());
/// ```
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale = match unit.trim() {
        "ms" => 0.001,
        "" | "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(bad_duration(text)),
    };
    let value: f64 = number.parse().map_err(|_| bad_duration(text))?;
    Duration::try_from_secs_f64(value * scale).map_err(|_| bad_duration(text))
}

fn bad_duration(text: &str) -> String {
    format!(
        "`{text}` is not a duration; write a number with a unit, \
         such as \"250ms\", \"30s\", \"5m\" or \"1h\""
    )
}

/// Serde adapter: a duration from a string (see [`parse_duration`]) or a
/// number of seconds.
#[cfg(feature = "config")]
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<Duration, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Seconds(f64),
        Text(String),
    }
    let parsed = match Raw::deserialize(de)? {
        Raw::Seconds(secs) => parse_duration(&secs.to_string()),
        Raw::Text(text) => parse_duration(&text),
    };
    parsed.map_err(serde::de::Error::custom)
}

/// Serde adapter for an optional duration: as [`deserialize`], wrapped in
/// `Some` (a missing key stays `None` through `#[serde(default)]`).
#[cfg(all(feature = "config", feature = "http"))]
pub(crate) fn deserialize_optional<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Duration>, D::Error> {
    deserialize(de).map(Some)
}
