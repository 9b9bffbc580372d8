//! Unix datagram sockets.

use super::bind::{bound_socket, context};
use super::unix_path::{clear_stale, SocketFile};
use super::unix_stream::unix_path;
use super::Transport;
use crate::request::{DatagramSocket, Received};
use crate::{Address, Datagram, ServerConfig};
use socket2::{Domain, SockAddr, Type};
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::Arc;

/// A Unix datagram socket: Python's `UnixDatagramServer`.
///
/// Socket files are handled as for [`UnixStream`](crate::UnixStream). A
/// client must bind its own socket to a path to receive replies; a
/// datagram from an unnamed socket can be read but not answered.
#[derive(Debug)]
pub struct UnixDatagram {
    socket: Arc<DatagramSocket>,
    local: Address,
    _file: SocketFile,
}

impl Transport for UnixDatagram {
    type Request = Datagram;
    const NAME: &'static str = "unix-dgram";

    fn bind(addr: &Address, config: &ServerConfig) -> io::Result<UnixDatagram> {
        let path = unix_path(addr, "a Unix datagram server")?;
        clear_stale(path)?;
        let socket = SockAddr::unix(path)
            .and_then(|sa| bound_socket(Domain::UNIX, Type::DGRAM, None, &sa, config))
            .map_err(|e| context(e, format_args!("cannot bind {}", path.display())))?;
        let file = SocketFile::created(path)?;
        let socket = DatagramSocket::Unix(socket.into());
        Ok(UnixDatagram { socket: Arc::new(socket), local: addr.clone(), _file: file })
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

impl AsFd for UnixDatagram {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.socket.as_fd()
    }
}
