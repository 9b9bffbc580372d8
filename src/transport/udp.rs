//! UDP over IPv4 or IPv6.

use super::bind::{bound_socket, context, inet};
use super::Transport;
use crate::request::DatagramSocket;
use crate::{Address, Datagram, ServerConfig, ServerHandle};
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

    fn accept(&self, server: &ServerHandle, scratch: &mut [u8]) -> io::Result<Datagram> {
        receive(&self.socket, server, scratch)
    }

    fn is_stream() -> bool {
        false
    }
}

/// Receives one datagram, marking it oversized when it filled `scratch`.
pub(crate) fn receive(
    socket: &Arc<DatagramSocket>,
    server: &ServerHandle,
    scratch: &mut [u8],
) -> io::Result<Datagram> {
    let (len, peer) = socket.recv_from(scratch)?;
    let limit = scratch.len().saturating_sub(1);
    let oversized = len > limit;
    let data = scratch[..len.min(limit)].to_vec();
    Ok(Datagram::new(data, peer, Arc::clone(socket), server.clone(), oversized))
}

impl AsFd for Udp {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.socket.as_fd()
    }
}
