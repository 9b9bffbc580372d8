//! Transports: where requests come from. One file per transport; `Tls`
//! (feature `tls`) wraps [`Tcp`] and lives with the rest of TLS in
//! `socketserver::tls`, re-exported here.
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
/// The TLS transport; it lives in [`tls`](crate::tls) with the rest of TLS.
#[cfg(feature = "tls")]
pub use crate::tls::Tls;

use crate::protocol::Protocol;
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

    /// The protocol a stream handler speaks, with the transport's own
    /// steps in front (TLS runs its handshake as steps before the
    /// protocol's first). Default: the protocol as it is.
    fn wrap_protocol(&self, protocol: Box<dyn Protocol<Self::Request>>) -> Box<dyn Protocol<Self::Request>> {
        protocol
    }

    /// Stops listening as the server begins to drain, without losing a
    /// connection already queued: those are given to `queued` (the server
    /// serves them as part of its drain), then the listener stops taking
    /// new ones, which are refused at once (a proxy retries them
    /// elsewhere) instead of waiting in a queue nobody reads until the
    /// close resets them. A listener sharing its port through
    /// `SO_REUSEPORT` (a new process started beside this one) first drops
    /// new SYNs, so their clients retry and reach the other process, and
    /// then leaves the port's group.
    ///
    /// Default: nothing. Only a listener the transport bound itself may do
    /// this: an inherited one may be shared with other processes (systemd,
    /// the `--processes` supervisor's children), which must go on
    /// listening.
    fn hand_over(&self, _queued: &mut dyn FnMut(<Self::Request as Request>::Incoming)) {}
}
