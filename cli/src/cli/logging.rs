//! Log output: one line per record on stderr, written whole.

use log::LevelFilter;
use simplelog::{ConfigBuilder, WriteLogger};
use std::io::{self, LineWriter};

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
/// write so that a process reading our stderr sees whole lines at once.
pub fn init(level: LevelFilter) {
    let config = ConfigBuilder::new()
        .set_thread_level(LevelFilter::Off)
        .set_target_level(LevelFilter::Off)
        .set_location_level(LevelFilter::Off)
        .build();
    // Only fails if a logger is already set, which `main` never does twice.
    let _ = WriteLogger::init(level, config, LineWriter::new(io::stderr()));
}
