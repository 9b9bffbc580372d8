//! Transports: where requests come from. One file per transport.
//!
//! A transport binds a socket (through `socket2`, with the options of
//! [`ServerConfig`]) and turns readiness into requests: a stream transport
//! accepts a [`Connection`](crate::Connection), a datagram transport
//! receives a [`Datagram`](crate::Datagram).
//!
//! Accept errors are the server's to sort (see
//! [`Server::serve_forever`](crate::Server::serve_forever)); a transport
//! only reports them.

mod bind;
mod tcp;
mod udp;
#[cfg(unix)]
mod unix_datagram;
#[cfg(unix)]
mod unix_path;
#[cfg(unix)]
mod unix_stream;

pub use self::tcp::Tcp;
pub use self::udp::Udp;
#[cfg(unix)]
pub use self::unix_datagram::UnixDatagram;
#[cfg(unix)]
pub use self::unix_stream::UnixStream;

use crate::request::Request;
use crate::{Address, ServerConfig};
use std::io;
use std::os::fd::AsFd;

/// A bound socket that yields requests: Python's `server_bind` and
/// `get_request`.
///
/// The socket is non-blocking; the server waits for readiness and then
/// calls [`accept`](Self::accept) until it returns `WouldBlock`.
pub trait Transport: AsFd + Sized + Send + Sync + 'static {
    /// What one request is: a [`Connection`](crate::Connection) or a
    /// [`Datagram`](crate::Datagram).
    type Request: Request;

    /// The transport's name in logs and config: `tcp`, `udp`, `unix`,
    /// `unix-dgram`.
    const NAME: &'static str;

    /// Binds to `addr` with the socket options of `config`.
    ///
    /// # Errors
    ///
    /// `InvalidInput` when `addr` is the wrong kind for this transport (a
    /// path for TCP, say); otherwise the system's bind error, such as
    /// `AddrInUse` or `PermissionDenied`, with the address in the message.
    fn bind(addr: &Address, config: &ServerConfig) -> io::Result<Self>;

    /// The address actually bound (the real port when asked for port 0).
    fn local_addr(&self) -> &Address;

    /// Takes one waiting request without blocking, knowing nothing of the
    /// server: an [`Accepted`](crate::request::Accepted) connection or a
    /// [`Received`](crate::request::Received) datagram. `scratch` is the
    /// receive buffer for datagrams: one byte longer than the largest
    /// datagram accepted, so a longer one is detected rather than silently
    /// truncated.
    ///
    /// # Errors
    ///
    /// `WouldBlock` when nothing is waiting; otherwise the system's error.
    fn accept(&self, scratch: &mut [u8]) -> io::Result<<Self::Request as Request>::Incoming>;

    /// Whether this transport yields one request per connection (stream)
    /// rather than per datagram.
    fn is_stream() -> bool;

    /// Hands new connections over to the other servers of a port as this
    /// one begins to drain, where the listener shares its port with them
    /// through `SO_REUSEPORT` (a restart beside a new process). Such a
    /// listener has a queue of its own: connections the kernel put there
    /// would be reset when it closes. So the listener stops taking new
    /// ones, gives what it has queued to `queued` (the server serves them
    /// as part of its drain) and leaves the port's group; a client that
    /// tried to connect meanwhile retries (its SYN was dropped, not
    /// refused) and reaches another server.
    ///
    /// Default: nothing (a listener that shares no port, or one inherited
    /// and perhaps shared with other processes, which must not be touched).
    fn hand_over(&self, _queued: &mut dyn FnMut(<Self::Request as Request>::Incoming)) {}
}
