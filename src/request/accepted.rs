//! A connection as a stream transport accepts it, before the server
//! attaches itself.

use super::Stream;
use crate::Address;

/// A connection a stream [`Transport`](crate::Transport) accepted: the
/// socket and both addresses. The server turns it into the
/// [`Connection`](crate::Connection) a handler gets (Python's
/// `get_request()` returns a request and an address; the server does the
/// rest).
///
/// # Examples
///
/// ```
/// use socketserver::request::{Accepted, Stream};
/// use socketserver::Address;
///
/// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
/// let local = Address::Inet(listener.local_addr()?);
/// let _client = std::net::TcpStream::connect(listener.local_addr()?)?;
/// let (stream, peer) = listener.accept()?;
/// let accepted = Accepted::new(Stream::Tcp(stream), Address::Inet(peer), local);
/// assert!(matches!(accepted.peer(), Address::Inet(_)));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Accepted {
    pub(crate) stream: Stream,
    pub(crate) peer: Address,
    pub(crate) local: Address,
    pub(crate) timeouts_preset: bool,
}

impl Accepted {
    /// A connection from `peer` that arrived on `local`.
    pub fn new(stream: Stream, peer: Address, local: Address) -> Accepted {
        Accepted { stream, peer, local, timeouts_preset: false }
    }

    /// Says the socket inherited the server's read and write timeouts
    /// from the listener (TCP on Linux), so the server need not set them.
    pub fn with_preset_timeouts(mut self) -> Accepted {
        self.timeouts_preset = true;
        self
    }

    /// The client's address.
    pub fn peer(&self) -> &Address {
        &self.peer
    }
}
