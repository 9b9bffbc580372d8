//! The protocol versions the HTTP layer serves.

use std::fmt;

/// The HTTP version of a request. Requests for HTTP/2 or later are
/// answered `505 HTTP Version Not Supported`; responses are always written
/// as HTTP/1.1, as RFC 9110 §6.2 asks, within what the request's version
/// understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Version {
    /// HTTP/1.0: connections close after each response unless the client
    /// asks for `Connection: keep-alive`.
    Http10,
    /// HTTP/1.1: connections stay open unless either side sends
    /// `Connection: close`.
    Http11,
}

impl Version {
    /// The version from `httparse`'s minor version number.
    pub(super) fn from_minor(minor: u8) -> Version {
        if minor == 0 {
            Version::Http10
        } else {
            Version::Http11
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        })
    }
}
