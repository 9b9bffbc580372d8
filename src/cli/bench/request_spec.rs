//! The request a load repeats, and how it travels.

use super::exchange::{EchoExchange, Exchange, HttpExchange, LineExchange, Link, UdpExchange};
use super::mode::Mode;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

/// The request each worker repeats.
#[derive(Debug, Clone)]
pub enum RequestSpec {
    /// `size` bytes echoed.
    Echo {
        /// Bytes per request.
        size: usize,
    },
    /// A line answered by a line.
    Line {
        /// The message, without its newline.
        message: String,
        /// The answer wanted, if one is.
        expect: Option<String>,
    },
    /// A datagram answered by a datagram.
    Udp {
        /// The message.
        message: String,
        /// The answer wanted, if one is.
        expect: Option<String>,
    },
    /// An HTTP `GET`.
    Http {
        /// The path asked for.
        path: String,
    },
}

impl RequestSpec {
    /// The protocol this request speaks.
    pub fn mode(&self) -> Mode {
        match self {
            RequestSpec::Echo { .. } => Mode::Echo,
            RequestSpec::Line { .. } => Mode::Line,
            RequestSpec::Udp { .. } => Mode::Udp,
            RequestSpec::Http { .. } => Mode::Http,
        }
    }

    /// A fresh exchange, with its own buffers, for one worker.
    pub fn exchange(&self, addr: SocketAddr, per_request: bool) -> Box<dyn Exchange> {
        match self {
            RequestSpec::Echo { size } => Box::new(EchoExchange::new(*size)),
            RequestSpec::Line { message, expect } => Box::new(LineExchange::new(message, expect.as_deref())),
            RequestSpec::Udp { message, expect } => Box::new(UdpExchange::new(message, expect.as_deref())),
            RequestSpec::Http { path } => Box::new(HttpExchange::new(&addr.to_string(), path, per_request)),
        }
    }

    /// Opens the link this request travels over.
    pub fn dial(&self, addr: SocketAddr, timeout: Duration) -> io::Result<Link> {
        match self {
            RequestSpec::Udp { .. } => Link::udp(addr, timeout),
            _ => Link::tcp(addr, timeout),
        }
    }
}
