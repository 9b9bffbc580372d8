//! TCP over IPv4 or IPv6.

use super::bind::{bound_socket, context, inet};
use super::Transport;
use crate::protocol::{poll_readable, Wake};
use crate::request::{non_zero, Accepted, Stream};
use crate::{Address, Connection, ServerConfig};
use socket2::{Domain, Protocol, Type};
use std::io;
use std::net::TcpListener;
use std::os::fd::{AsFd, BorrowedFd};
use std::time::{Duration, Instant};

/// A TCP listener (IPv4 or IPv6): Python's `TCPServer`.
///
/// Bound with `SO_REUSEADDR` and a backlog of 1024 by default; each accepted
/// connection gets `TCP_NODELAY` (see [`ServerConfig`]).
///
/// # Platform-specific behavior
///
/// - An IPv6 address is bound with `IPV6_V6ONLY` by default
///   ([`ServerConfig::ipv6_only`]), so `[::]:PORT` and `0.0.0.0:PORT` are
///   two servers; Linux's own default would make `[::]` take IPv4 too.
/// - On Linux, accepted sockets inherit `TCP_NODELAY` and the timeouts
///   from the listener; elsewhere they are set on each connection.
/// - The backlog is capped by the system (`net.core.somaxconn` on Linux,
///   4096 by default since 5.4; `kern.ipc.somaxconn` on the BSDs).
/// - `SO_REUSEADDR` lets a restarted server bind while old connections
///   sit in `TIME_WAIT`; it never lets two listeners share a port (that
///   is [`reuse_port`](crate::ServerBuilder::reuse_port)).
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
    /// Bound here (not inherited): the listener is this server's alone.
    own: bool,
    /// With `SO_REUSEPORT`: its port may be shared with other processes.
    reuse_port: bool,
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
        Ok(Tcp { listener, local, nodelay: config.nodelay, inherited, own: false, reuse_port: false })
    }

    /// Stops the listener taking new connections: a socket filter drops
    /// every SYN it is offered (retried by the client, and then taken by
    /// another server of the port) rather than queued here or refused. It
    /// lets everything else through: the last ACK of a handshake already
    /// under way must reach the listener, or that connection would be
    /// left half-open and reset when the listener closes.
    #[cfg(target_os = "linux")]
    fn stop_taking(&self) -> io::Result<()> {
        use std::os::fd::AsRawFd;
        // Classic BPF over the TCP header (offset 0 for a TCP socket's
        // filter): a SYN without ACK is dropped (return 0), anything else
        // kept whole.
        const SYN: u32 = 0x02;
        const ACK: u32 = 0x10;
        let op = |code: u16, jt: u8, jf: u8, k: u32| libc::sock_filter { code, jt, jf, k };
        let mut drop_syns = [
            op(0x30, 0, 0, 13),       // ldb [13]: the flags byte
            op(0x45, 0, 2, SYN),      // jset SYN: on to the ACK test; else keep
            op(0x45, 1, 0, ACK),      // jset ACK: keep (a SYN-ACK); else drop
            op(0x06, 0, 0, 0),        // ret 0: drop
            op(0x06, 0, 0, u32::MAX), // ret all: keep
        ];
        let program = libc::sock_fprog { len: drop_syns.len() as u16, filter: drop_syns.as_mut_ptr() };
        // SAFETY: a valid program for the duration of the call, on our
        // own open socket.
        let set = unsafe {
            libc::setsockopt(
                self.listener.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_ATTACH_FILTER,
                (&program as *const libc::sock_fprog).cast(),
                std::mem::size_of::<libc::sock_fprog>() as libc::socklen_t,
            )
        };
        if set == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
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
        Ok(Tcp {
            listener,
            local,
            nodelay: config.nodelay,
            inherited,
            own: true,
            reuse_port: config.reuse_port,
        })
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

    /// For a listener bound here: with `reuse_port` (on Linux) drops new
    /// SYNs first; accepts what is queued; then stops listening, so a new
    /// connection is refused (or, with `reuse_port`, goes to another
    /// server of the port) rather than queued and reset at close.
    fn hand_over(&self, queued: &mut dyn FnMut(Accepted)) {
        if !self.own {
            return;
        }
        #[cfg(target_os = "linux")]
        if self.reuse_port {
            if let Err(err) = self.stop_taking() {
                log::warn!("cannot hand {} over to the other servers of its port: {err}", self.local);
                return;
            }
        }
        let mut handed = self.accept_queued(queued);
        #[cfg(target_os = "linux")]
        if self.reuse_port {
            handed += self.accept_stragglers(queued);
        }
        let _ = socket2::SockRef::from(&self.listener).shutdown(std::net::Shutdown::Read);
        log::debug!("{} stopped listening after {handed} last connection(s)", self.local);
    }
}

/// How long the listener must stay quiet after the last connection it
/// handed over before it stops listening, and the most the stragglers may
/// take in all.
const STRAGGLER_QUIET: Duration = Duration::from_millis(50);
const STRAGGLER_LIMIT: Duration = Duration::from_secs(1);

impl Tcp {
    /// Accepts the handshakes that were under way when SYNs stopped being
    /// taken (their last ACK still to come, a round trip away): until the
    /// listener has had nothing for [`STRAGGLER_QUIET`], at most
    /// [`STRAGGLER_LIMIT`]. No new one can start, so this ends.
    #[cfg(target_os = "linux")]
    fn accept_stragglers(&self, queued: &mut dyn FnMut(Accepted)) -> usize {
        use std::os::fd::AsRawFd;
        let limit = Instant::now() + STRAGGLER_LIMIT;
        let mut handed = 0;
        loop {
            let quiet = (Instant::now() + STRAGGLER_QUIET).min(limit);
            if poll_readable(self.listener.as_raw_fd(), Some(quiet)) != Wake::Ready {
                return handed;
            }
            handed += self.accept_queued(queued);
            if Instant::now() >= limit {
                return handed;
            }
        }
    }

    /// Accepts what is queued (at most 65,536), for `hand_over`.
    fn accept_queued(&self, queued: &mut dyn FnMut(Accepted)) -> usize {
        let mut handed = 0;
        while handed < 65_536 {
            match self.accept(&mut []) {
                Ok(accepted) => queued(accepted),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) if err.kind() == io::ErrorKind::ConnectionAborted => {}
                Err(err) => {
                    if err.kind() != io::ErrorKind::WouldBlock {
                        log::debug!("accepting the last connections of {}: {err}", self.local);
                    }
                    return handed;
                }
            }
            handed += 1;
        }
        handed
    }
}

impl AsFd for Tcp {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.listener.as_fd()
    }
}
