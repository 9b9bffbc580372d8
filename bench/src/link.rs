//! A non-blocking socket to the server, registered edge-triggered in a
//! load thread's poller.

use polling::{Event, PollMode, Poller};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::Duration;

/// A connection's socket: a TCP stream or a connected UDP socket, always
/// non-blocking. Reading a UDP link receives one datagram; writing sends
/// one.
#[derive(Debug)]
pub enum Link {
    /// A TCP connection with `TCP_NODELAY`.
    Tcp(TcpStream),
    /// A UDP socket connected to the server, so only its datagrams arrive.
    Udp(UdpSocket),
}

impl Link {
    /// Starts a TCP connect and returns at once; the link becomes writable
    /// when it is established (or failed: see [`take_error`](Self::take_error)).
    /// `receive_buffer` shrinks `SO_RCVBUF` first.
    pub fn dial(addr: SocketAddr, receive_buffer: Option<usize>) -> io::Result<Link> {
        let socket = tcp_socket(addr, receive_buffer)?;
        socket.set_nonblocking(true)?;
        match socket.connect(&SockAddr::from(addr)) {
            Ok(()) => {}
            Err(err) if err.raw_os_error() == Some(libc::EINPROGRESS) => {}
            Err(err) => return Err(err),
        }
        Ok(Link::Tcp(socket.into()))
    }

    /// Connects over TCP, waiting up to `timeout`, then turns non-blocking.
    pub fn connect(addr: SocketAddr, timeout: Duration, receive_buffer: Option<usize>) -> io::Result<Link> {
        let socket = tcp_socket(addr, receive_buffer)?;
        socket.connect_timeout(&SockAddr::from(addr), timeout)?;
        socket.set_nonblocking(true)?;
        Ok(Link::Tcp(socket.into()))
    }

    /// Binds an ephemeral UDP port, connects it to `addr`, non-blocking.
    pub fn udp(addr: SocketAddr) -> io::Result<Link> {
        let local: SocketAddr = if addr.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }.parse().expect("literal");
        let socket = UdpSocket::bind(local)?;
        socket.connect(addr)?;
        socket.set_nonblocking(true)?;
        Ok(Link::Udp(socket))
    }

    /// Adds the link to `poller` under `key`, edge-triggered, for reading
    /// and writing.
    pub fn register(&self, poller: &Poller, key: usize) -> io::Result<()> {
        // SAFETY: every owner deregisters the link (`deregister`) before
        // dropping it, or drops the poller first.
        unsafe {
            match self {
                Link::Tcp(stream) => poller.add_with_mode(stream, Event::all(key), PollMode::Edge),
                Link::Udp(socket) => poller.add_with_mode(socket, Event::all(key), PollMode::Edge),
            }
        }
    }

    /// Adds the link to `poller` under `key`, edge-triggered, for writing
    /// only (errors and hang-ups are reported too): for a connection that
    /// never reads, so the answers arriving do not wake its thread.
    pub fn register_writable(&self, poller: &Poller, key: usize) -> io::Result<()> {
        // SAFETY: as in `register`.
        unsafe {
            match self {
                Link::Tcp(stream) => poller.add_with_mode(stream, Event::writable(key), PollMode::Edge),
                Link::Udp(socket) => poller.add_with_mode(socket, Event::writable(key), PollMode::Edge),
            }
        }
    }

    /// Makes closing the link reset the connection at once (`SO_LINGER`
    /// zero): no `TIME_WAIT` left behind, and the server learns of it on
    /// its next read or write.
    pub fn reset_on_close(&self) -> io::Result<()> {
        match self {
            Link::Tcp(stream) => socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO)),
            Link::Udp(_) => Ok(()),
        }
    }

    /// Shrinks (or grows) `SO_SNDBUF`.
    pub fn set_send_buffer(&self, size: usize) -> io::Result<()> {
        match self {
            Link::Tcp(stream) => socket2::SockRef::from(stream).set_send_buffer_size(size),
            Link::Udp(socket) => socket2::SockRef::from(socket).set_send_buffer_size(size),
        }
    }

    /// Removes the link from `poller`, before it is closed.
    pub fn deregister(&self, poller: &Poller) {
        let _ = match self {
            Link::Tcp(stream) => poller.delete(stream),
            Link::Udp(socket) => poller.delete(socket),
        };
    }

    /// The pending socket error: how a non-blocking connect failed.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        match self {
            Link::Tcp(stream) => stream.take_error(),
            Link::Udp(socket) => socket.take_error(),
        }
    }

    /// Whether the connect [`connect`](Self::connect) started has finished:
    /// `Ok(false)` while it is under way (a wake-up before it ends), the
    /// error when it failed. A UDP link has nothing to wait for.
    pub fn established(&self) -> io::Result<bool> {
        if let Some(err) = self.take_error()? {
            return Err(err);
        }
        match self {
            Link::Tcp(stream) => match stream.peer_addr() {
                Ok(_) => Ok(true),
                Err(err) if err.kind() == io::ErrorKind::NotConnected => Ok(false),
                Err(err) => Err(err),
            },
            Link::Udp(_) => Ok(true),
        }
    }
}

/// A TCP socket for `addr` with `TCP_NODELAY` and, if asked, a small
/// receive buffer.
fn tcp_socket(addr: SocketAddr, receive_buffer: Option<usize>) -> io::Result<Socket> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_nodelay(true)?;
    if let Some(size) = receive_buffer {
        socket.set_recv_buffer_size(size)?;
    }
    Ok(socket)
}

impl Read for Link {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Link::Tcp(stream) => stream.read(buf),
            Link::Udp(socket) => socket.recv(buf),
        }
    }
}

impl Write for Link {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Link::Tcp(stream) => stream.write(buf),
            Link::Udp(socket) => socket.send(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
