//! TCP over IPv4 or IPv6.

use super::bind::{bound_socket, context, inet};
use super::Transport;
use crate::request::{non_zero, Accepted, Stream};
use crate::{Address, Connection, ServerConfig};
use socket2::{Domain, Protocol, Type};
use std::io;
use std::net::TcpListener;
use std::os::fd::{AsFd, BorrowedFd};

/// A TCP listener (IPv4 or IPv6): Python's `TCPServer`.
///
/// Bound with `SO_REUSEADDR` and a backlog of 1024 by default; each accepted
/// connection gets `TCP_NODELAY` (see [`ServerConfig`]).
///
/// # Examples
///
/// ```
/// use socketserver::{IntoAddress, ServerConfig, Tcp, Transport};
///
/// let addr = "127.0.0.1:0".into_address()?;
/// let tcp = Tcp::bind(&addr, &ServerConfig::default())?;
/// assert_ne!(tcp.local_addr().as_inet().unwrap().port(), 0);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Tcp {
    listener: TcpListener,
    local: Address,
    nodelay: bool,
    /// Whether accepted sockets inherit `TCP_NODELAY` and the timeouts
    /// from the listener.
    inherited: bool,
}

/// Sets `TCP_NODELAY` and the server's read and write timeouts on the
/// listener where accepted sockets inherit them (Linux copies them in
/// `accept`), so a connection needs no system call to get them; returns
/// whether it did. Profiling a connection per request showed these three
/// `setsockopt` calls on every connection.
fn preset_for_accepted(socket: &socket2::Socket, config: &ServerConfig) -> io::Result<bool> {
    if !cfg!(target_os = "linux") {
        return Ok(false);
    }
    socket.set_nodelay(config.nodelay)?;
    socket.set_read_timeout(non_zero(config.read_timeout))?;
    socket.set_write_timeout(non_zero(config.write_timeout))?;
    Ok(true)
}

impl Tcp {
    /// A transport over a listening socket made elsewhere: inherited from
    /// systemd (socket activation) or from a supervising process. The
    /// socket is made non-blocking and accepted connections get the
    /// `nodelay` and timeouts of `config`; its other options and backlog
    /// are as its maker set them.
    ///
    /// # Errors
    ///
    /// Fails when the socket is not a bound TCP socket or its options
    /// cannot be set.
    ///
    /// # Examples
    ///
    /// ```
    /// use socketserver::{ServerConfig, Tcp, Transport};
    ///
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let port = listener.local_addr()?.port();
    /// let tcp = Tcp::from_listener(listener, &ServerConfig::default())?;
    /// assert_eq!(tcp.local_addr().as_inet().unwrap().port(), port);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn from_listener(listener: TcpListener, config: &ServerConfig) -> io::Result<Tcp> {
        listener.set_nonblocking(true)?;
        let inherited = preset_for_accepted(&socket2::SockRef::from(&listener), config)?;
        let local = Address::Inet(listener.local_addr()?);
        Ok(Tcp { listener, local, nodelay: config.nodelay, inherited })
    }
}

impl Transport for Tcp {
    type Request = Connection;
    const NAME: &'static str = "tcp";

    fn bind(addr: &Address, config: &ServerConfig) -> io::Result<Tcp> {
        let sa = inet(addr, "TCP")?;
        let domain = Domain::for_address(sa);
        let socket = bound_socket(domain, Type::STREAM, Some(Protocol::TCP), &sa.into(), config)
            .map_err(|e| context(e, format_args!("cannot bind TCP {sa}")))?;
        socket.listen(config.backlog).map_err(|e| context(e, format_args!("cannot listen on TCP {sa}")))?;
        let inherited = preset_for_accepted(&socket, config)?;
        let listener: TcpListener = socket.into();
        let local = Address::Inet(listener.local_addr()?);
        Ok(Tcp { listener, local, nodelay: config.nodelay, inherited })
    }

    fn local_addr(&self) -> &Address {
        &self.local
    }

    fn accept(&self, _scratch: &mut [u8]) -> io::Result<Accepted> {
        let (stream, peer) = self.listener.accept()?;
        if !self.inherited && self.nodelay {
            // A socket reset between accept and here fails this; the first
            // read will report it.
            let _ = stream.set_nodelay(true);
        }
        let accepted = Accepted::new(Stream::Tcp(stream), peer.into(), self.local.clone());
        Ok(if self.inherited { accepted.with_preset_timeouts() } else { accepted })
    }

    fn is_stream() -> bool {
        true
    }
}

impl AsFd for Tcp {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.listener.as_fd()
    }
}
