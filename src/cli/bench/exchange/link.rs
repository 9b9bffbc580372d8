//! The socket a worker talks over: a TCP stream or a connected UDP socket.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::Duration;

/// A worker's connection to the server. Reading a UDP link receives one
/// datagram; writing sends one.
#[derive(Debug)]
pub enum Link {
    /// A TCP connection with `TCP_NODELAY`.
    Tcp(TcpStream),
    /// A UDP socket connected to the server, so only its datagrams arrive.
    Udp(UdpSocket),
}

impl Link {
    /// Connects over TCP, with `timeout` on the connect and on every read
    /// and write.
    pub fn tcp(addr: SocketAddr, timeout: Duration) -> io::Result<Link> {
        let stream = TcpStream::connect_timeout(&addr, timeout)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(timeout))?;
        stream.set_write_timeout(Some(timeout))?;
        Ok(Link::Tcp(stream))
    }

    /// Binds an ephemeral UDP port and connects it to `addr`, with
    /// `timeout` on every receive.
    pub fn udp(addr: SocketAddr, timeout: Duration) -> io::Result<Link> {
        let local: SocketAddr = if addr.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }.parse().expect("literal");
        let socket = UdpSocket::bind(local)?;
        socket.connect(addr)?;
        socket.set_read_timeout(Some(timeout))?;
        socket.set_write_timeout(Some(timeout))?;
        Ok(Link::Udp(socket))
    }
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
