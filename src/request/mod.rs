//! What a handler receives: a [`Connection`] from a stream transport or a
//! [`Datagram`] from a datagram transport.

mod accepted;
mod buffer_pool;
mod connection;
mod datagram;
mod datagram_socket;
#[cfg(all(unix, feature = "proxy-protocol"))]
mod proxy_header;
mod read_buffer;
mod received;
mod source;
mod stream;
mod write_buffer;

pub use self::accepted::Accepted;
pub(crate) use self::connection::non_zero;
pub use self::connection::Connection;
pub use self::datagram::Datagram;
pub use self::datagram_socket::DatagramSocket;
pub(crate) use self::read_buffer::{Filled, ReadBuffer};
pub use self::received::Received;
pub(crate) use self::source::Source;
pub use self::stream::Stream;
pub(crate) use self::write_buffer::WriteBuffer;
/// The TLS session under [`Stream::Tls`]; it lives in [`tls`](crate::tls)
/// with the rest of TLS.
#[cfg(feature = "tls")]
pub use crate::tls::TlsStream;

use crate::handle::ServerHandle;
use crate::Address;

/// What every request offers the server, whatever its transport.
pub trait Request: Send + 'static {
    /// What a transport yields for this kind of request, before the server
    /// attaches itself: an [`Accepted`] connection, a [`Received`]
    /// datagram.
    type Incoming: Send + 'static;

    /// The request a handler gets, from what the transport yielded and the
    /// server that took it.
    fn attach(incoming: Self::Incoming, server: ServerHandle) -> Self;

    /// The client's address.
    fn peer_addr(&self) -> &Address;

    /// Readies the request before its handler runs: a connection gets the
    /// server's read and write timeouts. Default: nothing.
    ///
    /// # Errors
    ///
    /// Fails when the socket is already gone.
    fn prepare(&mut self) -> std::io::Result<()> {
        Ok(())
    }

    /// Whether the request was larger than the server accepts (datagrams
    /// only; a stream is framed by its handler).
    fn is_oversized(&self) -> bool {
        false
    }

    /// Switches the request's socket to non-blocking mode before a
    /// [`Protocol`](crate::protocol::Protocol) steps it (and back after,
    /// when the steps ran inside a handler's `handle`). Default: nothing.
    ///
    /// # Errors
    ///
    /// Fails only if the system call does.
    fn set_nonblocking(&self, _nonblocking: bool) -> std::io::Result<()> {
        Ok(())
    }

    /// Reads the PROXY protocol header (v1 or v2) that a load balancer
    /// sends before the client's first byte, as far as it has arrived,
    /// without blocking (the server calls it on a non-blocking socket
    /// when [`ServerConfig::proxy_protocol`](crate::ServerConfig::proxy_protocol)
    /// is on). Returns `Ok(true)` once the header is whole: from then on
    /// [`peer_addr`](Self::peer_addr) is the client's address it named.
    /// `Ok(false)` means more of it is to come. No byte past the header
    /// is consumed.
    ///
    /// Default: `Unsupported` (this kind of request carries no header).
    ///
    /// # Errors
    ///
    /// `InvalidData` for a malformed or missing header, `UnexpectedEof`
    /// when the client closed first, `Unsupported` without the
    /// `proxy-protocol` feature; otherwise the socket's error.
    fn read_proxy_header(&mut self) -> std::io::Result<bool> {
        Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            "this kind of request carries no PROXY protocol header",
        ))
    }

    /// How many bytes have been read from the client so far (through the
    /// request's reads; a datagram: none). The server compares it before
    /// and after a step to tell whether a request arrived during a drain.
    /// Default: `0`.
    fn bytes_received(&self) -> u64 {
        0
    }

    /// The socket to shut down when the server drains, for requests that
    /// own a connection.
    #[cfg(unix)]
    fn raw_fd(&self) -> Option<std::os::fd::RawFd> {
        None
    }
}
