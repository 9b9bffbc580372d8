//! UDP over IPv4 or IPv6.

use super::bind::{bound_socket, context, inet};
use super::Transport;
use crate::request::{DatagramSocket, Received};
use crate::{Address, Datagram, ServerConfig};
use socket2::{Domain, Protocol, Type};
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::Arc;

/// A UDP socket: Python's `UDPServer`, one request per datagram.
///
/// Unlike Python's, which reads 8192 bytes and silently drops the rest, a
/// datagram longer than [`max_message_size`](ServerConfig::max_message_size)
/// is detected, logged and handed to
/// [`RequestHandler::oversized`](crate::RequestHandler::oversized).
#[derive(Debug)]
pub struct Udp {
    socket: Arc<DatagramSocket>,
    local: Address,
}

impl Transport for Udp {
    type Request = Datagram;
    const NAME: &'static str = "udp";

    fn bind(addr: &Address, config: &ServerConfig) -> io::Result<Udp> {
        let sa = inet(addr, "UDP")?;
        let domain = Domain::for_address(sa);
        let socket = bound_socket(domain, Type::DGRAM, Some(Protocol::UDP), &sa.into(), config)
            .map_err(|e| context(e, format_args!("cannot bind UDP {sa}")))?;
        let socket: std::net::UdpSocket = socket.into();
        let local = Address::Inet(socket.local_addr()?);
        Ok(Udp { socket: Arc::new(DatagramSocket::Udp(socket)), local })
    }

    fn local_addr(&self) -> &Address {
        &self.local
    }

    fn accept(&self, scratch: &mut [u8]) -> io::Result<Received> {
        Received::receive(&self.socket, scratch)
    }

    fn is_stream() -> bool {
        false
    }
}

impl AsFd for Udp {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.socket.as_fd()
    }
}
