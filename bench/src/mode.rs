//! The protocols `bench` speaks.

use clap::ValueEnum;

/// The protocol a load speaks.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// `--size` bytes over TCP; the same bytes must come back.
    Echo,
    /// `--message` and a newline over TCP; one line must come back.
    Line,
    /// `--message` as one UDP datagram; one datagram must come back.
    Udp,
    /// `GET --path` over HTTP/1.1 keep-alive; a 200 must come back.
    Http,
}

impl Mode {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Echo => "echo",
            Mode::Line => "line",
            Mode::Udp => "udp",
            Mode::Http => "http",
        }
    }
}
