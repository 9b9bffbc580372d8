//! A datagram as a datagram transport receives it, before the server
//! attaches itself.

use super::DatagramSocket;
use crate::Address;
use std::io;
use std::sync::Arc;

/// A datagram a datagram [`Transport`](crate::Transport) received: its
/// bytes, the sender, and the socket to answer on. The server turns it
/// into the [`Datagram`](crate::Datagram) a handler gets.
#[derive(Debug)]
pub struct Received {
    pub(crate) data: Vec<u8>,
    pub(crate) peer: Address,
    pub(crate) socket: Arc<DatagramSocket>,
    pub(crate) oversized: bool,
}

impl Received {
    /// Receives one datagram on `socket` into `scratch`, which is one
    /// byte longer than the largest datagram accepted: a datagram that
    /// fills it is marked oversized (and its data cut to the limit)
    /// rather than silently truncated.
    ///
    /// # Errors
    ///
    /// `WouldBlock` when nothing is waiting; otherwise the system's error.
    pub fn receive(socket: &Arc<DatagramSocket>, scratch: &mut [u8]) -> io::Result<Received> {
        let (len, peer) = socket.recv_from(scratch)?;
        let limit = scratch.len().saturating_sub(1);
        let data = scratch[..len.min(limit)].to_vec();
        Ok(Received { data, peer, socket: Arc::clone(socket), oversized: len > limit })
    }

    /// The sender's address.
    pub fn peer(&self) -> &Address {
        &self.peer
    }
}
