//! A bound datagram socket: UDP or Unix datagram.

use crate::Address;
use std::io;
use std::net::UdpSocket;
#[cfg(unix)]
use std::os::fd::{AsFd, BorrowedFd};
#[cfg(unix)]
use std::os::unix::net::UnixDatagram;

/// The socket a [`Datagram`](crate::Datagram) arrived on and is answered
/// through.
#[derive(Debug)]
#[non_exhaustive]
pub enum DatagramSocket {
    /// A UDP socket.
    Udp(UdpSocket),
    /// A Unix datagram socket.
    #[cfg(unix)]
    Unix(UnixDatagram),
}

impl DatagramSocket {
    /// Receives one datagram into `buf`, returning its length (at most
    /// `buf.len()`) and sender.
    pub(crate) fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, Address)> {
        match self {
            DatagramSocket::Udp(s) => s.recv_from(buf).map(|(n, a)| (n, Address::Inet(a))),
            #[cfg(unix)]
            DatagramSocket::Unix(s) => s.recv_from(buf).map(|(n, a)| (n, Address::from_unix(&a))),
        }
    }

    /// Sends one datagram to `peer`.
    ///
    /// # Errors
    ///
    /// `InvalidInput` when the peer's kind does not match the socket's, or
    /// the peer is an unnamed Unix socket that cannot be answered; `WouldBlock`
    /// when the send buffer is full (the datagram is then dropped).
    pub fn send_to(&self, data: &[u8], peer: &Address) -> io::Result<usize> {
        match (self, peer) {
            (DatagramSocket::Udp(s), Address::Inet(addr)) => s.send_to(data, addr),
            #[cfg(unix)]
            (DatagramSocket::Unix(s), Address::Unix(path)) => s.send_to(data, path),
            (_, Address::Unnamed) => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the peer's socket has no name, so it cannot be answered; \
                 bind the client socket to a path to get replies",
            )),
            _ => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("cannot send to {peer} from this kind of socket"),
            )),
        }
    }
}

#[cfg(unix)]
impl AsFd for DatagramSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            DatagramSocket::Udp(s) => s.as_fd(),
            DatagramSocket::Unix(s) => s.as_fd(),
        }
    }
}
