//! The `--config` file: TOML whose top-level keys are the `serve` flags,
//! with a `[limits]` table for [`ServerConfig`]. Every key is checked on
//! its own so that a mistake is reported by name, with what is accepted.

use crate::error::CliError;
use crate::log_format::LogFormat;
use crate::logging;
use crate::transport_kind::TransportKind;
use log::LevelFilter;
use serde::Deserialize;
use socketserver::config::parse_duration;
use socketserver::{Overload, ServerConfig, StrategyKind};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;
use toml::{Table, Value};

/// The keys a config file may hold, for messages.
const KEYS: &str = "handler, bind, transport, concurrency, workers, queue, overload, log_level, data, dir, \
     proxy_protocol, reuse_port, processes, access_log, log_format, metrics, tls_cert, tls_key, tls_handshake_timeout, \
     index, cache_control, headers, not_found_page, gzip, precompressed, sendfile, [limits]";

/// What a config file sets; `None` where it is silent.
#[derive(Debug, Default)]
pub struct ConfigFile {
    /// `handler`: the server to run.
    pub handler: Option<String>,
    /// `bind`: HOST:PORT or a socket file path.
    pub bind: Option<String>,
    /// `transport`.
    pub transport: Option<TransportKind>,
    /// `concurrency`.
    pub concurrency: Option<StrategyKind>,
    /// `workers`.
    pub workers: Option<usize>,
    /// `queue`.
    pub queue: Option<usize>,
    /// `overload`.
    pub overload: Option<Overload>,
    /// `log_level`.
    pub log_level: Option<LevelFilter>,
    /// `data`, relative to the file's directory.
    pub data: Option<PathBuf>,
    /// `dir`, relative to the file's directory.
    pub dir: Option<PathBuf>,
    /// `proxy_protocol`.
    pub proxy_protocol: Option<bool>,
    /// `reuse_port`.
    pub reuse_port: Option<bool>,
    /// `processes`.
    pub processes: Option<usize>,
    /// `access_log`.
    pub access_log: Option<bool>,
    /// `log_format`: text or json.
    pub log_format: Option<LogFormat>,
    /// `metrics`: HOST:PORT of the `/metrics` endpoint.
    pub metrics: Option<String>,
    /// `tls_cert`, relative to the file's directory.
    pub tls_cert: Option<PathBuf>,
    /// `tls_key`, relative to the file's directory.
    pub tls_key: Option<PathBuf>,
    /// `tls_handshake_timeout`.
    pub tls_handshake_timeout: Option<Duration>,
    /// `index`: index file names for `static`.
    pub index: Option<Vec<String>>,
    /// `cache_control`: `PATTERN=VALUE` rules for `static`.
    pub cache_control: Option<Vec<String>>,
    /// `headers`: `Name: value` fields for `static`.
    pub headers: Option<Vec<String>>,
    /// `not_found_page`, relative to the file's directory.
    pub not_found_page: Option<PathBuf>,
    /// `gzip`: gzip on the fly for `static`.
    pub gzip: Option<bool>,
    /// `precompressed`: serve `.br`/`.zst`/`.gz` siblings.
    pub precompressed: Option<bool>,
    /// `sendfile`: file bodies by sendfile(2).
    pub sendfile: Option<bool>,
    /// The `[limits]` table (defaults where it is silent).
    pub limits: ServerConfig,
}

impl ConfigFile {
    /// Reads and checks the file at `path`.
    ///
    /// # Errors
    ///
    /// A usage error (exit status 2) naming the file, the key and what is
    /// accepted, for a missing or unreadable file, bad TOML, an unknown
    /// key or a bad value.
    pub fn load(path: &Path) -> Result<ConfigFile, CliError> {
        let fail = |message: String| CliError::usage(format!("config file {}: {message}", path.display()));
        let text = std::fs::read_to_string(path).map_err(|err| fail(format!("cannot read it: {err}")))?;
        let table: Table = toml::from_str(&text).map_err(|err| fail(syntax_error(&text, &err)))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut file = ConfigFile::default();
        for (key, value) in &table {
            let set = match key.as_str() {
                "limits" => limits(value).map(|limits| file.limits = limits),
                _ => file.set(key, value, base).map_err(|message| (key.clone(), message)),
            };
            set.map_err(|(key, message)| fail(format!("key `{key}`: {message}")))?;
        }
        Ok(file)
    }

    fn set(&mut self, key: &str, value: &Value, base: &Path) -> Result<(), String> {
        match key {
            "handler" => self.handler = Some(text(value)?.to_string()),
            "bind" => self.bind = Some(text(value)?.to_string()),
            "transport" => self.transport = Some(parsed(value)?),
            "concurrency" => self.concurrency = Some(parsed(value)?),
            "workers" => self.workers = Some(count(value)?),
            "queue" => self.queue = Some(count(value)?),
            "overload" => self.overload = Some(parsed(value)?),
            "log_level" => self.log_level = Some(logging::parse_level(text(value)?)?),
            "data" => self.data = Some(base.join(text(value)?)),
            "dir" => self.dir = Some(base.join(text(value)?)),
            "proxy_protocol" => self.proxy_protocol = Some(boolean(value)?),
            "reuse_port" => self.reuse_port = Some(boolean(value)?),
            "processes" => self.processes = Some(count(value)?),
            "access_log" => self.access_log = Some(boolean(value)?),
            "log_format" => self.log_format = Some(parsed(value)?),
            "metrics" => self.metrics = Some(text(value)?.to_string()),
            "tls_cert" => self.tls_cert = Some(base.join(text(value)?)),
            "tls_key" => self.tls_key = Some(base.join(text(value)?)),
            "tls_handshake_timeout" => self.tls_handshake_timeout = Some(parse_duration(text(value)?)?),
            "index" => self.index = Some(texts(value)?),
            "cache_control" => self.cache_control = Some(texts(value)?),
            "headers" => self.headers = Some(texts(value)?),
            "not_found_page" => self.not_found_page = Some(base.join(text(value)?)),
            "gzip" => self.gzip = Some(switch(value)?),
            "precompressed" => self.precompressed = Some(switch(value)?),
            "sendfile" => self.sendfile = Some(switch(value)?),
            _ => return Err(format!("unknown key; accepted keys: {KEYS}")),
        }
        Ok(())
    }
}

/// A TOML syntax error on one line: where, and what.
fn syntax_error(text: &str, err: &toml::de::Error) -> String {
    let line = err.span().map(|span| text[..span.start.min(text.len())].lines().count().max(1));
    match line {
        Some(line) => format!("line {line}: not valid TOML: {}", err.message().trim()),
        None => format!("not valid TOML: {}", err.message().trim()),
    }
}

fn text(value: &Value) -> Result<&str, String> {
    value.as_str().ok_or_else(|| format!("expected a string in quotes, found {}", describe(value)))
}

fn texts(value: &Value) -> Result<Vec<String>, String> {
    let wrong = || format!("expected an array of strings, such as [\"a\", \"b\"], found {}", describe(value));
    let items = value.as_array().ok_or_else(wrong)?;
    items.iter().map(|item| item.as_str().map(str::to_string).ok_or_else(wrong)).collect()
}

fn switch(value: &Value) -> Result<bool, String> {
    value.as_bool().ok_or_else(|| format!("expected true or false, found {}", describe(value)))
}

fn parsed<T: FromStr<Err = String>>(value: &Value) -> Result<T, String> {
    text(value)?.parse()
}

fn boolean(value: &Value) -> Result<bool, String> {
    value.as_bool().ok_or_else(|| format!("expected true or false, found {}", describe(value)))
}

fn count(value: &Value) -> Result<usize, String> {
    match value.as_integer() {
        Some(n) if n >= 1 => usize::try_from(n).map_err(|_| format!("{n} is too large")),
        _ => Err(format!("expected a whole number of at least 1, found {}", describe(value))),
    }
}

fn describe(value: &Value) -> String {
    format!("{} `{value}`", value.type_str())
}

/// The `[limits]` table, each key checked alone so that an error names
/// it (`limits.read_timeout`).
fn limits(value: &Value) -> Result<ServerConfig, (String, String)> {
    let table = value.as_table().ok_or_else(|| {
        ("limits".to_string(), format!("expected a table ([limits]), found {}", describe(value)))
    })?;
    for (key, item) in table {
        let single = Table::from_iter([(key.clone(), item.clone())]);
        ServerConfig::deserialize(Value::Table(single))
            .map_err(|err| (format!("limits.{key}"), err.message().trim().to_string()))?;
    }
    ServerConfig::deserialize(value.clone())
        .map_err(|err| ("limits".to_string(), err.message().trim().to_string()))
}
