//! `--log-format json`: one JSON object per log record and line.
//!
//! Every object has `time` (RFC 3339, UTC, milliseconds), `level`
//! (`INFO`...), `target` and `message`; an access-log line adds the
//! fields its record carries: `client`, `method`, `path`, `status`,
//! `bytes` and `duration` (seconds).

use log::kv::{Error, Key, Value, VisitSource};
use log::{LevelFilter, Log, Metadata, Record};
use serde_json::{Map, Number};
use std::io::{self, Write};

/// Writes records at `level` and above to stderr as JSON lines.
#[derive(Debug)]
pub struct JsonLogger {
    /// The most verbose level written.
    pub level: LevelFilter,
}

impl JsonLogger {
    /// The line a record is written as, newline included.
    pub fn line(record: &Record<'_>) -> String {
        let mut object = Map::new();
        let time = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        object.insert("time".into(), time.into());
        object.insert("level".into(), record.level().as_str().into());
        object.insert("target".into(), record.target().into());
        object.insert("message".into(), record.args().to_string().into());
        let _ = record.key_values().visit(&mut Fields(&mut object));
        let mut line = serde_json::Value::Object(object).to_string();
        line.push('\n');
        line
    }
}

impl Log for JsonLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= self.level
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            // One write per line, so lines from threads never interleave.
            let _ = io::stderr().lock().write_all(Self::line(record).as_bytes());
        }
    }

    fn flush(&self) {}
}

/// Adds a record's key-values to its object: numbers as numbers, the
/// rest as text.
struct Fields<'a>(&'a mut Map<String, serde_json::Value>);

impl<'kvs> VisitSource<'kvs> for Fields<'_> {
    fn visit_pair(&mut self, key: Key<'kvs>, value: Value<'kvs>) -> Result<(), Error> {
        let json = match (value.to_u64(), value.to_f64().and_then(Number::from_f64)) {
            (Some(n), _) => n.into(),
            (None, Some(n)) => n.into(),
            (None, None) => value.to_string().into(),
        };
        self.0.insert(key.as_str().to_string(), json);
        Ok(())
    }
}
