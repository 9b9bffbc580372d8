//! Log output: one line per record on stderr, written whole.

use crate::json_logger::JsonLogger;
use crate::log_format::LogFormat;
use log::{LevelFilter, Log, Metadata, Record};
use simplelog::{ConfigBuilder, WriteLogger};
use std::io::{self, LineWriter};

/// The target of the HTTP access log's lines.
const ACCESS_LOG: &str = "socketserver::http::access_log";

/// The level names accepted by `--log-level` and `log_level`.
pub const ACCEPTED: &str = "off, error, warn, info, debug, trace";

/// Parses a log level name, case-insensitively.
pub fn parse_level(text: &str) -> Result<LevelFilter, String> {
    match text.to_ascii_lowercase().as_str() {
        "off" => Ok(LevelFilter::Off),
        "error" => Ok(LevelFilter::Error),
        "warn" => Ok(LevelFilter::Warn),
        "info" => Ok(LevelFilter::Info),
        "debug" => Ok(LevelFilter::Debug),
        "trace" => Ok(LevelFilter::Trace),
        _ => Err(format!("`{text}` is not a log level; accepted: {ACCEPTED}")),
    }
}

/// Sends log records at `level` and above to stderr, each line in one
/// write so that a process reading our stderr sees whole lines at once,
/// as text or JSON (`format`); the HTTP access log's lines only if
/// `access_log`.
pub fn init(level: LevelFilter, access_log: bool, format: LogFormat) {
    let config = ConfigBuilder::new()
        .set_thread_level(LevelFilter::Off)
        .set_target_level(LevelFilter::Off)
        .set_location_level(LevelFilter::Off)
        .build();
    let inner: Box<dyn Log> = match format {
        LogFormat::Text => WriteLogger::new(level, config, LineWriter::new(io::stderr())),
        LogFormat::Json => Box::new(JsonLogger { level }),
    };
    // Only fails if a logger is already set, which `main` never does twice.
    if log::set_boxed_logger(Box::new(StderrLogger { inner, access_log })).is_ok() {
        log::set_max_level(level);
    }
}

/// The stderr logger, saying "not enabled" for the access log when it is
/// off, so that the server does not even build its lines.
struct StderrLogger {
    inner: Box<dyn Log>,
    access_log: bool,
}

impl Log for StderrLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        (self.access_log || metadata.target() != ACCESS_LOG) && self.inner.enabled(metadata)
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            self.inner.log(record);
        }
    }

    fn flush(&self) {
        self.inner.flush();
    }
}
