//! One received datagram, as a request handler sees it.

use super::{DatagramSocket, Received, Request};
use crate::handle::ServerHandle;
use crate::Address;
use std::io;
use std::sync::Arc;

/// A received datagram: the request of a datagram transport (UDP, Unix
/// datagram).
///
/// Holds the data, the sender, and the socket to [`reply`](Datagram::reply)
/// through. A datagram larger than
/// [`max_message_size`](crate::ServerConfig::max_message_size) never
/// reaches `handle`: the server logs it, counts it in
/// [`Stats::oversized`](crate::Stats::oversized), and calls the handler's
/// [`oversized`](crate::RequestHandler::oversized) instead.
///
/// # Examples
///
/// ```
/// use socketserver::{Datagram, RequestHandler};
/// use std::io;
///
/// /// Answers every datagram with its size.
/// struct Size;
///
/// impl RequestHandler<Datagram> for Size {
///     fn handle(&self, datagram: &mut Datagram) -> io::Result<()> {
///         datagram.reply(datagram.data().len().to_string().as_bytes())
///     }
/// }
/// ```
#[derive(Debug)]
pub struct Datagram {
    data: Vec<u8>,
    peer: Address,
    socket: Arc<DatagramSocket>,
    server: ServerHandle,
    oversized: bool,
}

impl Datagram {
    /// The datagram's payload.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Takes the payload out, leaving it empty.
    pub fn take_data(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.data)
    }

    /// The sender's address.
    pub fn peer_addr(&self) -> &Address {
        &self.peer
    }

    /// The server this datagram arrived at.
    pub fn server(&self) -> &ServerHandle {
        &self.server
    }

    /// Whether the datagram was larger than the server's limit; its data
    /// then holds only the first `max_message_size` bytes.
    pub fn is_oversized(&self) -> bool {
        self.oversized
    }

    /// Sends `data` back to the sender in one datagram.
    ///
    /// # Errors
    ///
    /// Fails when the sender is an unnamed Unix socket, the reply is larger
    /// than a datagram can be, or the socket's send buffer is full (UDP
    /// drops the reply then, as it may drop any datagram).
    pub fn reply(&self, data: &[u8]) -> io::Result<()> {
        self.socket.send_to(data, &self.peer).map(drop)
    }
}

impl Request for Datagram {
    type Incoming = Received;

    fn attach(received: Received, server: ServerHandle) -> Datagram {
        let Received { data, peer, socket, oversized } = received;
        Datagram { data, peer, socket, server, oversized }
    }

    fn peer_addr(&self) -> &Address {
        &self.peer
    }

    fn is_oversized(&self) -> bool {
        self.oversized
    }
}
