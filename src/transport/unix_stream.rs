//! Unix stream sockets.

use super::bind::{bound_socket, context};
use super::unix_path::{clear_stale, SocketFile};
use super::Transport;
use crate::request::{Accepted, Stream};
use crate::{Address, Connection, ServerConfig};
use socket2::{Domain, SockAddr, Type};
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixListener;
use std::path::Path;

/// A Unix stream socket listener: Python's `UnixStreamServer`.
///
/// A stale socket file left by a dead server is replaced at bind (a live
/// one is refused with `AddrInUse`, a file that is not a socket with
/// `AlreadyExists`); the server removes its own file when dropped.
#[derive(Debug)]
pub struct UnixStream {
    listener: UnixListener,
    local: Address,
    /// The socket file this server created (none for an inherited
    /// listener, whose file belongs to its maker).
    _file: Option<SocketFile>,
}

impl UnixStream {
    /// A transport over a listening socket made elsewhere: inherited from
    /// systemd (socket activation) or from a supervising process. The
    /// socket is made non-blocking; its file is its maker's, so this
    /// server leaves it in place when dropped.
    ///
    /// # Errors
    ///
    /// Fails when the socket's address cannot be read or it cannot be
    /// made non-blocking.
    ///
    /// # Examples
    ///
    /// ```
    /// use socketserver::{ServerConfig, Transport, UnixStream};
    ///
    /// let path = std::env::temp_dir().join(format!("from-listener-{}.sock", std::process::id()));
    /// let listener = std::os::unix::net::UnixListener::bind(&path)?;
    /// let unix = UnixStream::from_listener(listener, &ServerConfig::default())?;
    /// assert_eq!(unix.local_addr().as_path(), Some(path.as_path()));
    /// drop(unix);
    /// assert!(path.exists());
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn from_listener(listener: UnixListener, _config: &ServerConfig) -> io::Result<UnixStream> {
        listener.set_nonblocking(true)?;
        let local = Address::from_unix(&listener.local_addr()?);
        Ok(UnixStream { listener, local, _file: None })
    }
}

/// The path of `addr`, or an error naming what Unix transports accept.
pub(crate) fn unix_path<'a>(addr: &'a Address, transport: &str) -> io::Result<&'a Path> {
    addr.as_path().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{transport} binds to a socket file path (such as /tmp/app.sock), not `{addr}`"),
        )
    })
}

impl Transport for UnixStream {
    type Request = Connection;
    const NAME: &'static str = "unix";

    fn bind(addr: &Address, config: &ServerConfig) -> io::Result<UnixStream> {
        let path = unix_path(addr, "a Unix stream server")?;
        clear_stale(path)?;
        let bind = || -> io::Result<UnixListener> {
            let socket = bound_socket(Domain::UNIX, Type::STREAM, None, &SockAddr::unix(path)?, config)?;
            socket.listen(config.backlog)?;
            Ok(socket.into())
        };
        let listener = bind().map_err(|e| context(e, format_args!("cannot bind {}", path.display())))?;
        let file = SocketFile::created(path)?;
        Ok(UnixStream { listener, local: addr.clone(), _file: Some(file) })
    }

    fn local_addr(&self) -> &Address {
        &self.local
    }

    fn accept(&self, _scratch: &mut [u8]) -> io::Result<Accepted> {
        let (stream, peer) = self.listener.accept()?;
        Ok(Accepted::new(Stream::Unix(stream), Address::from_unix(&peer), self.local.clone()))
    }

    fn is_stream() -> bool {
        true
    }
}

impl AsFd for UnixStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.listener.as_fd()
    }
}
