//! The bundled servers by name: their default ports, what they accept,
//! and how each is built and served.

use crate::error::CliError;
use crate::serve;
use crate::settings::Settings;
use socketserver::handlers::{Ack, AddressBook, DateTime, Daytime, Echo, Qotd, Reverse, SupportBot};
use socketserver::handlers::{Hello, StaticFiles};
use socketserver::http::Http;
use socketserver::{DrainReport, MessageHandler, Messages};
use std::time::Duration;

/// How long a line server waits after a partial line before taking it as
/// a whole message: one-shot clients send one message with no newline
/// and wait for the answer.
pub const UNTERMINATED_AFTER: Duration = Duration::from_millis(100);

/// What the command line knows about one bundled server.
#[derive(Debug)]
pub struct HandlerInfo {
    /// The name `serve` takes.
    pub name: &'static str,
    /// The port it listens on when `--bind` is not given (on 127.0.0.1).
    /// The port of the Python example each imitates where it names one; a
    /// privileged RFC port `p` becomes `7000 + p`.
    pub port: u16,
    /// Whether it also runs over udp and unix-dgram.
    pub datagrams: bool,
    /// Whether `--data FILE` applies.
    pub data: bool,
    /// Whether `--dir PATH` applies.
    pub dir: bool,
}

const fn info(name: &'static str, port: u16, datagrams: bool) -> HandlerInfo {
    HandlerInfo { name, port, datagrams, data: false, dir: false }
}

const fn with_data(info: HandlerInfo) -> HandlerInfo {
    HandlerInfo { data: true, ..info }
}

const fn with_dir(info: HandlerInfo) -> HandlerInfo {
    HandlerInfo { dir: true, ..info }
}

/// Every server `serve` can run, in the order help lists them.
pub const HANDLERS: &[HandlerInfo] = &[
    // The Python address-book example's port.
    with_data(info("address-book", 8084, true)),
    // No conventional port: the one after address-book's.
    info("datetime", 8085, true),
    // RFC 862's port 7 is privileged.
    info("echo", 7007, true),
    // The Python threaded reverse-server example's port.
    info("reverse", 12345, true),
    // RFC 867's port 13 is privileged.
    info("daytime", 7013, true),
    // RFC 865's port 17 is privileged.
    with_data(info("qotd", 7017, true)),
    // The Python UDP ack-server example's port.
    info("ack", 8888, true),
    // No conventional port: the one after ack's.
    info("support-bot", 8889, true),
    // The Python `http.server` hello-page example's port.
    info("http", 8080, false),
    // Python's `http.server` default port.
    with_dir(info("static", 8000, false)),
];

/// The server called `name`.
pub fn find(name: &str) -> Result<&'static HandlerInfo, CliError> {
    HANDLERS
        .iter()
        .find(|info| info.name == name)
        .ok_or_else(|| CliError::usage(format!("`{name}` is not a bundled server; accepted: {}", names())))
}

/// The names `serve` accepts, comma-separated, for messages.
pub fn names() -> String {
    HANDLERS.iter().map(|info| info.name).collect::<Vec<_>>().join(", ")
}

/// Builds the server `settings` name and serves it until a signal.
pub fn serve(settings: &Settings) -> Result<DrainReport, CliError> {
    match settings.handler.name {
        "address-book" => serve::on_any_transport(lines(address_book(settings)?), settings),
        "datetime" => serve::on_any_transport(lines(DateTime::default()), settings),
        "echo" => serve::on_any_transport(Echo::messages(), settings),
        "reverse" => serve::on_any_transport(lines(Reverse), settings),
        "daytime" => serve::on_any_transport(lines(Daytime::default()), settings),
        "qotd" => serve::on_any_transport(lines(qotd(settings)?), settings),
        "ack" => serve::on_any_transport(lines(Ack), settings),
        "support-bot" => serve::on_any_transport(lines(SupportBot), settings),
        "http" => serve::on_streams(Http::new(Hello), settings),
        "static" => {
            serve::on_streams(Http::new(static_files(settings)?).sendfile(settings.files.sendfile), settings)
        }
        other => Err(CliError::usage(format!("`{other}` is not a bundled server; accepted: {}", names()))),
    }
}

/// A line server as the binary serves it: see [`UNTERMINATED_AFTER`].
fn lines<M: MessageHandler>(handler: M) -> Messages<M> {
    Messages::new(handler).unterminated_after(UNTERMINATED_AFTER)
}

fn address_book(settings: &Settings) -> Result<AddressBook, CliError> {
    match &settings.data {
        Some(path) => AddressBook::load(path).map_err(|err| bad_data(&err)),
        None => Ok(AddressBook::default()),
    }
}

fn qotd(settings: &Settings) -> Result<Qotd, CliError> {
    match &settings.data {
        Some(path) => Qotd::load(path).map_err(|err| bad_data(&err)),
        None => Ok(Qotd::default()),
    }
}

fn bad_data(err: &str) -> CliError {
    CliError::usage(format!("bad --data file (`data`): {err}"))
}

fn static_files(settings: &Settings) -> Result<StaticFiles, CliError> {
    let files = StaticFiles::new(&settings.dir)
        .map_err(|err| CliError::usage(format!("bad --dir (`dir`): {err}")))?;
    settings.files.apply(files)
}
