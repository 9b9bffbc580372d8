//! The bundled servers by name: their default ports, what they accept,
//! and how each is built and served.

use super::error::CliError;
use super::serve;
use super::settings::Settings;
use socketserver::handlers::Echo;
use socketserver::DrainReport;

/// What the command line knows about one bundled server.
#[derive(Debug)]
pub struct HandlerInfo {
    /// The name `serve` takes.
    pub name: &'static str,
    /// The port it listens on when `--bind` is not given (on 127.0.0.1).
    /// The seeds' ports where they name one; a privileged RFC port `p`
    /// becomes `7000 + p`.
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

/// Every server `serve` can run, in the order help lists them.
pub const HANDLERS: &[HandlerInfo] = &[
    // RFC 862's port 7 is privileged.
    info("echo", 7007, true),
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
        "echo" => serve::on_any_transport(Echo, settings),
        other => Err(CliError::usage(format!("`{other}` is not a bundled server; accepted: {}", names()))),
    }
}
