//! The transport a server is asked to run on, by name.

use std::fmt;
use std::str::FromStr;

/// The four transports, as `--transport` and the config file spell them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportKind {
    /// TCP over IPv4 or IPv6.
    Tcp,
    /// UDP over IPv4 or IPv6.
    Udp,
    /// A Unix stream socket (a socket file path).
    Unix,
    /// A Unix datagram socket (a socket file path).
    UnixDgram,
}

/// The spellings accepted, for messages.
pub const ACCEPTED: &str = "tcp, udp, unix, unix-dgram";

impl TransportKind {
    /// Whether the transport carries datagrams rather than streams.
    pub fn is_datagram(self) -> bool {
        matches!(self, TransportKind::Udp | TransportKind::UnixDgram)
    }

    /// Whether the transport binds a socket file rather than HOST:PORT.
    pub fn is_unix(self) -> bool {
        matches!(self, TransportKind::Unix | TransportKind::UnixDgram)
    }
}

impl FromStr for TransportKind {
    type Err = String;

    fn from_str(text: &str) -> Result<TransportKind, String> {
        match text {
            "tcp" => Ok(TransportKind::Tcp),
            "udp" => Ok(TransportKind::Udp),
            "unix" => Ok(TransportKind::Unix),
            "unix-dgram" => Ok(TransportKind::UnixDgram),
            _ => Err(format!("`{text}` is not a transport; accepted: {ACCEPTED}")),
        }
    }
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Tcp => "tcp",
            TransportKind::Udp => "udp",
            TransportKind::Unix => "unix",
            TransportKind::UnixDgram => "unix-dgram",
        })
    }
}
