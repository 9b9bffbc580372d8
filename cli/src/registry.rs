//! The catalogue of the bundled servers: each one's name, default port,
//! transports, the files it reads and what it does. Data only: serving
//! one by name is `serve`'s work, which reads this catalogue, as do the
//! settings' checks, the default addresses and `serve --help`.

use crate::error::CliError;

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
    /// What it answers, for `serve --help`.
    pub about: &'static str,
}

const fn info(name: &'static str, port: u16, datagrams: bool, about: &'static str) -> HandlerInfo {
    HandlerInfo { name, port, datagrams, data: false, dir: false, about }
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
    with_data(info("address-book", 8084, true, "a name in, an office out (--data FILE for your own book)")),
    // No conventional port: the one after address-book's.
    info("datetime", 8085, true, "`Date`, `Time` or `Date and Time` in, the local date or time out"),
    // RFC 862's port 7 is privileged.
    info("echo", 7007, true, "RFC 862 Echo: every byte back"),
    // The Python threaded reverse-server example's port.
    info("reverse", 12345, true, "each line reversed by characters"),
    // RFC 867's port 13 is privileged.
    info("daytime", 7013, true, "RFC 867 Daytime: the date and time on connect"),
    // RFC 865's port 17 is privileged.
    with_data(info("qotd", 7017, true, "RFC 865 Quote of the Day (--data FILE for your own quotes)")),
    // The Python UDP ack-server example's port.
    info("ack", 8888, true, "`OK...` and the message back"),
    // No conventional port: the one after ack's.
    info("support-bot", 8889, true, "an ISP's support bot: questions, answers, a diagnosis"),
    // The Python `http.server` hello-page example's port.
    info("http", 8080, false, "HTTP: a hello-and-time page"),
    // Python's `http.server` default port.
    with_dir(info("static", 8000, false, "HTTP: a directory's files (--dir PATH)")),
];

/// The server called `name`.
///
/// # Errors
///
/// A usage error naming the accepted servers when none is called so.
pub fn find(name: &str) -> Result<&'static HandlerInfo, CliError> {
    HANDLERS.iter().find(|info| info.name == name).ok_or_else(|| unknown(name))
}

/// The error for a name that is not in the catalogue.
pub fn unknown(name: &str) -> CliError {
    CliError::usage(format!("`{name}` is not a bundled server; accepted: {}", names()))
}

/// The names `serve` accepts, comma-separated, for messages.
pub fn names() -> String {
    names_where(|_| true)
}

/// The names of the servers for which `wanted` holds, comma-separated.
pub fn names_where(wanted: fn(&HandlerInfo) -> bool) -> String {
    HANDLERS.iter().filter(|info| wanted(info)).map(|info| info.name).collect::<Vec<_>>().join(", ")
}

/// `serve --help`'s list: each server with its default port and what it
/// answers.
pub fn long_help() -> String {
    let lines: Vec<String> =
        HANDLERS.iter().map(|info| format!("- {} (port {}): {}", info.name, info.port, info.about)).collect();
    format!("The server to run:\n{}", lines.join("\n"))
}
