//! The request a load repeats, and how it travels.

use super::attack::Drip;
use super::exchange::{EchoExchange, Exchange, HttpExchange, LineExchange, UdpExchange};
use super::link::Link;
use super::mode::Mode;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

/// The request each client repeats.
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

    /// Whether it travels as datagrams (no connect, no stream).
    pub fn is_datagram(&self) -> bool {
        self.mode() == Mode::Udp
    }

    /// A fresh exchange, with its own buffers, for one client.
    pub fn exchange(&self, addr: SocketAddr, per_request: bool) -> Box<dyn Exchange> {
        match self {
            RequestSpec::Echo { size } => Box::new(EchoExchange::new(*size)),
            RequestSpec::Line { message, expect } => Box::new(LineExchange::new(message, expect.as_deref())),
            RequestSpec::Udp { message, expect } => Box::new(UdpExchange::new(message, expect.as_deref())),
            RequestSpec::Http { path } => Box::new(HttpExchange::new(&addr.to_string(), path, per_request)),
        }
    }

    /// Opens a link for this request, waiting up to `timeout` for a TCP
    /// connect.
    pub fn connect(&self, addr: SocketAddr, timeout: Duration) -> io::Result<Link> {
        match self {
            RequestSpec::Udp { .. } => Link::udp(addr),
            _ => Link::connect(addr, timeout, None),
        }
    }

    /// Opens a link for this request without waiting for a TCP connect.
    pub fn dial(&self, addr: SocketAddr) -> io::Result<Link> {
        match self {
            RequestSpec::Udp { .. } => Link::udp(addr),
            _ => Link::dial(addr, None),
        }
    }

    /// What a `--slow` client sends, a byte at a time: the start of this
    /// request, never its end (an HTTP head with header after header, a
    /// line with no newline, an echo block that never completes).
    pub fn drip(&self, addr: SocketAddr) -> Drip {
        match self {
            RequestSpec::Http { path } => Drip::new(
                format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n").into_bytes(),
                b"X-Slow: a\r\n".to_vec(),
            ),
            RequestSpec::Echo { size } => {
                let mut exchange = EchoExchange::new(*size);
                exchange.begin();
                let block = exchange.request();
                Drip::new(block[..block.len() - 1].to_vec(), b"x".to_vec())
            }
            RequestSpec::Line { message, .. } | RequestSpec::Udp { message, .. } => {
                Drip::new(message.as_bytes().to_vec(), b"x".to_vec())
            }
        }
    }

    /// What a `--pipeline-flood` connection repeats: for HTTP the
    /// smallest request a browser could send (`GET path`, a `Host`, no
    /// other header), so each byte asks for as much work as it can; for
    /// the other modes the request itself.
    pub fn flood(&self, addr: SocketAddr) -> Vec<u8> {
        match self {
            RequestSpec::Http { path } => format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").into_bytes(),
            _ => self.pipelined(addr),
        }
    }

    /// What a `--slow-read` client pipelines: this request, whole, over
    /// and over (HTTP requests keep the connection alive).
    pub fn pipelined(&self, addr: SocketAddr) -> Vec<u8> {
        let mut exchange = self.exchange(addr, false);
        exchange.begin();
        exchange.request().to_vec()
    }
}
