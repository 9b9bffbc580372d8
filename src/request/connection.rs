//! One accepted stream connection, as a request handler sees it.

use super::{Accepted, Request, Stream};
use crate::handle::ServerHandle;
use crate::Address;
use std::io::{self, BufRead, IoSlice, Read, Write};
use std::net::Shutdown;
use std::time::Duration;

/// Size of a connection's read buffer.
const READ_BUFFER: usize = 8 * 1024;
/// Most unread input discarded when closing.
const DISCARD_LIMIT: usize = 256 * 1024;

/// An accepted TCP, Unix or TLS stream connection: the request of a
/// stream transport.
///
/// It reads through a buffer (Python's `rfile`: [`BufRead`] lines and
/// chunks; the buffer is allocated on first use) and writes straight to
/// the socket (Python's unbuffered `wfile`).
/// The server has already set its read timeout to
/// [`read_timeout`](crate::ServerConfig::read_timeout) and its write timeout
/// to [`write_timeout`](crate::ServerConfig::write_timeout).
///
/// # Examples
///
/// ```
/// use socketserver::{Connection, RequestHandler};
/// use std::io::{self, BufRead, Write};
///
/// /// Answers each line with its length.
/// struct LineLength;
///
/// impl RequestHandler<Connection> for LineLength {
///     fn handle(&self, conn: &mut Connection) -> io::Result<()> {
///         let mut line = String::new();
///         while conn.read_line(&mut line)? > 0 {
///             writeln!(conn, "{}", line.trim_end().len())?;
///             line.clear();
///         }
///         Ok(())
///     }
/// }
/// ```
#[derive(Debug)]
pub struct Connection {
    stream: Stream,
    /// Python's `rfile` buffer: allocated on the first buffered read, so
    /// a connection driven by a protocol layer (which has its own) or one
    /// that waits idle costs nothing here.
    buffer: Vec<u8>,
    pos: usize,
    filled: usize,
    peer: Address,
    local: Address,
    server: ServerHandle,
    read_timeout: Option<Duration>,
    /// Whether the socket came with the server's timeouts already set
    /// (inherited from the listener), so `prepare` has nothing to do.
    timeouts_preset: bool,
    /// The proxy's address, when a PROXY header named the client (boxed:
    /// most connections have none, and idle ones should stay small).
    proxy: Option<Box<Address>>,
    /// Bytes read from the client so far.
    received: u64,
    /// Bytes written to the client so far.
    sent: u64,
    /// The bytes of a PROXY header that has not all arrived yet.
    #[cfg(feature = "proxy-protocol")]
    header: Vec<u8>,
}

impl Connection {
    /// The client's address.
    pub fn peer_addr(&self) -> &Address {
        &self.peer
    }

    /// The address of the proxy that relayed this connection, when a
    /// PROXY protocol header named its client (see
    /// [`ServerConfig::proxy_protocol`](crate::ServerConfig::proxy_protocol));
    /// [`peer_addr`](Self::peer_addr) is then the client's.
    pub fn proxied_by(&self) -> Option<&Address> {
        self.proxy.as_deref()
    }

    /// The server's address this connection arrived on.
    pub fn local_addr(&self) -> &Address {
        &self.local
    }

    /// The server this connection belongs to: shut it down, read its
    /// config, count its requests.
    pub fn server(&self) -> &ServerHandle {
        &self.server
    }

    /// Counts bytes sent around [`Write`] (a file by `sendfile`).
    #[cfg(feature = "http")]
    pub(crate) fn count_sent(&mut self, bytes: u64) {
        self.sent += bytes;
    }

    /// The socket itself, for options this type does not wrap. Reading
    /// from it directly skips bytes already buffered by [`BufRead`] calls.
    pub fn stream(&self) -> &Stream {
        &self.stream
    }

    /// The bytes read ahead by [`BufRead`] calls and not yet consumed.
    pub fn buffered(&self) -> &[u8] {
        &self.buffer[self.pos..self.filled]
    }

    /// Sets the limit on each read, skipping the system call when the
    /// limit is unchanged; `None` waits forever.
    ///
    /// # Errors
    ///
    /// Fails with `InvalidInput` for a zero duration.
    pub fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        if self.read_timeout != timeout {
            self.stream().set_read_timeout(timeout)?;
            self.read_timeout = timeout;
        }
        Ok(())
    }

    /// Tells the client nothing more will be written (a TCP FIN), while
    /// reading may go on.
    ///
    /// # Errors
    ///
    /// Fails when the socket is no longer connected.
    pub fn shutdown_write(&self) -> io::Result<()> {
        self.stream().shutdown(Shutdown::Write)
    }

    /// Closes without destroying replies in flight: input the client sent
    /// that will never be read would turn the close into a reset, and a
    /// reset can destroy replies the client has not read yet. So the
    /// write side is shut first and the unread input already here (up to
    /// 256 KiB) is discarded, without waiting for more. The socket must
    /// be non-blocking.
    pub(crate) fn discard_and_shut(&mut self) {
        let _ = self.shutdown_write();
        let mut discard = [0u8; 4096];
        let mut budget = DISCARD_LIMIT;
        while budget > 0 {
            match self.read(&mut discard) {
                Ok(n) if n > 0 => budget = budget.saturating_sub(n),
                _ => break,
            }
        }
    }
}

/// A zero duration means "no limit" in our config; std refuses zero.
pub(crate) fn non_zero(duration: Duration) -> Option<Duration> {
    (!duration.is_zero()).then_some(duration)
}

impl Request for Connection {
    type Incoming = Accepted;

    /// A connection for `server`; when the socket came with the server's
    /// timeouts (inherited from the listener), `prepare` has nothing to do.
    fn attach(accepted: Accepted, server: ServerHandle) -> Connection {
        let Accepted { stream, peer, local, timeouts_preset } = accepted;
        let read_timeout = if timeouts_preset { non_zero(server.config().read_timeout) } else { None };
        Connection {
            stream,
            buffer: Vec::new(),
            pos: 0,
            filled: 0,
            peer,
            local,
            server,
            read_timeout,
            timeouts_preset,
            proxy: None,
            received: 0,
            sent: 0,
            #[cfg(feature = "proxy-protocol")]
            header: Vec::new(),
        }
    }

    fn peer_addr(&self) -> &Address {
        &self.peer
    }

    fn bytes_received(&self) -> u64 {
        self.received
    }

    /// Sets both socket timeouts from the server's config.
    fn prepare(&mut self) -> io::Result<()> {
        if self.timeouts_preset {
            return Ok(());
        }
        let config = self.server.config();
        let (read, write) = (config.read_timeout, config.write_timeout);
        self.set_read_timeout(non_zero(read))?;
        self.stream().set_write_timeout(non_zero(write))
    }

    fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        self.stream().set_nonblocking(nonblocking)
    }

    #[cfg(all(unix, feature = "proxy-protocol"))]
    fn read_proxy_header(&mut self) -> io::Result<bool> {
        use super::proxy_header::{self, Header};
        let header = match proxy_header::read(&self.stream, &mut self.header) {
            Ok(None) => return Ok(false),
            Ok(Some(header)) => header,
            Err(err) => {
                self.header = Vec::new();
                return Err(err);
            }
        };
        self.header = Vec::new();
        if let Header::Proxied(client) = header {
            self.proxy = Some(Box::new(std::mem::replace(&mut self.peer, Address::Inet(client))));
        }
        Ok(true)
    }

    #[cfg(unix)]
    fn raw_fd(&self) -> Option<std::os::fd::RawFd> {
        Some(self.stream().raw_fd())
    }
}

/// The connection's bytes go into the server's counters once, as it
/// closes: no shared counter is touched per read or write.
impl Drop for Connection {
    fn drop(&mut self) {
        self.server.counters().add_bytes(self.received, self.sent);
    }
}

impl Read for Connection {
    /// Buffered bytes first; then straight from the socket.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos < self.filled {
            let n = buf.len().min(self.filled - self.pos);
            buf[..n].copy_from_slice(&self.buffer[self.pos..self.pos + n]);
            self.consume(n);
            return Ok(n);
        }
        let n = (&self.stream).read(buf)?;
        self.received += n as u64;
        Ok(n)
    }
}

impl BufRead for Connection {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.filled {
            if self.buffer.is_empty() {
                self.buffer = vec![0; READ_BUFFER];
            }
            self.filled = (&self.stream).read(&mut self.buffer)?;
            self.received += self.filled as u64;
            self.pos = 0;
        }
        Ok(&self.buffer[self.pos..self.filled])
    }

    fn consume(&mut self, amount: usize) {
        self.pos = (self.pos + amount).min(self.filled);
    }
}

impl Write for Connection {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = (&self.stream).write(buf)?;
        self.sent += n as u64;
        Ok(n)
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        let n = (&self.stream).write_vectored(bufs)?;
        self.sent += n as u64;
        Ok(n)
    }

    /// Nothing to do over TCP and Unix sockets (writes go straight to the
    /// socket); over TLS, writes out the ciphertext still held, with
    /// `WouldBlock` when a non-blocking socket does not take it all.
    fn flush(&mut self) -> io::Result<()> {
        (&self.stream).flush()
    }
}
