//! One accepted stream connection, as a request handler sees it.

use super::{Request, Stream};
use crate::{Address, ServerHandle};
use std::any::Any;
use std::io::{self, BufRead, BufReader, IoSlice, Read, Write};
use std::net::Shutdown;
use std::time::{Duration, Instant};

/// Size of a connection's read buffer.
const READ_BUFFER: usize = 8 * 1024;

/// An accepted TCP or Unix stream connection: the request of a stream
/// transport.
///
/// It reads through a buffer (Python's `rfile`: [`BufRead`] lines and
/// chunks) and writes straight to the socket (Python's unbuffered `wfile`).
/// The server has already set its read timeout to
/// [`read_timeout`](crate::ServerConfig::read_timeout) and its write timeout
/// to [`write_timeout`](crate::ServerConfig::write_timeout).
///
/// # Examples
///
/// ```
/// use socketserver::{Connection, RequestHandler, Tcp};
/// use std::io::{self, BufRead, Write};
///
/// /// Answers each line with its length.
/// struct LineLength;
///
/// impl RequestHandler<Tcp> for LineLength {
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
    reader: BufReader<Stream>,
    peer: Address,
    local: Address,
    server: ServerHandle,
    read_timeout: Option<Duration>,
    /// Whether the socket came with the server's timeouts already set
    /// (inherited from the listener), so `prepare` has nothing to do.
    timeouts_preset: bool,
    parked: Option<Parked>,
    /// Whether the outermost handler can be resumed after parking.
    may_park: bool,
}

/// A message loop's state, kept while its connection is parked.
struct Parked {
    state: Box<dyn Any + Send>,
    deadline: Option<Instant>,
}

impl std::fmt::Debug for Parked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parked").field("deadline", &self.deadline).finish_non_exhaustive()
    }
}

impl Connection {
    pub(crate) fn new(stream: Stream, peer: Address, local: Address, server: ServerHandle) -> Self {
        Connection {
            reader: BufReader::with_capacity(READ_BUFFER, stream),
            peer,
            local,
            server,
            read_timeout: None,
            timeouts_preset: false,
            parked: None,
            may_park: false,
        }
    }

    /// A connection whose socket inherited the server's read and write
    /// timeouts from the listener (TCP on Linux), saving two system calls
    /// per connection.
    pub(crate) fn with_preset_timeouts(
        stream: Stream,
        peer: Address,
        local: Address,
        server: ServerHandle,
    ) -> Self {
        let read_timeout = non_zero(server.config().read_timeout);
        Connection { read_timeout, timeouts_preset: true, ..Connection::new(stream, peer, local, server) }
    }

    /// The client's address.
    pub fn peer_addr(&self) -> &Address {
        &self.peer
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

    /// The socket itself, for options this type does not wrap.
    pub fn stream(&self) -> &Stream {
        self.reader.get_ref()
    }

    /// The buffered reader (Python's `rfile`).
    pub fn reader(&mut self) -> &mut BufReader<Stream> {
        &mut self.reader
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

    /// Asks the server to park this connection when the handler returns:
    /// to wait for bytes (or `deadline`) without holding a thread, then
    /// call the handler again, which takes `state` back with
    /// [`take_parked`](Self::take_parked).
    pub(crate) fn park(&mut self, state: Box<dyn Any + Send>, deadline: Option<Instant>) {
        self.parked = Some(Parked { state, deadline });
    }

    /// Lets the server's handler park this connection (it is resumable).
    pub(crate) fn allow_park(&mut self) {
        self.may_park = true;
    }

    /// Whether this connection may park.
    pub(crate) fn may_park(&self) -> bool {
        self.may_park
    }

    /// Whether the handler asked to park, and until when.
    pub(crate) fn park_deadline(&self) -> Option<Option<Instant>> {
        self.parked.as_ref().map(|parked| parked.deadline)
    }

    /// The state a parked handler left, if it is of type `S`.
    pub(crate) fn take_parked<S: 'static>(&mut self) -> Option<S> {
        let parked = self.parked.take()?;
        parked.state.downcast::<S>().ok().map(|state| *state)
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
}

/// A zero duration means "no limit" in our config; std refuses zero.
pub(crate) fn non_zero(duration: Duration) -> Option<Duration> {
    (!duration.is_zero()).then_some(duration)
}

impl Request for Connection {
    fn peer_addr(&self) -> &Address {
        &self.peer
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

    #[cfg(unix)]
    fn raw_fd(&self) -> Option<std::os::fd::RawFd> {
        Some(self.stream().raw_fd())
    }
}

impl Read for Connection {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader.read(buf)
    }
}

impl BufRead for Connection {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.reader.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.reader.consume(amount)
    }
}

impl Write for Connection {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.reader.get_ref().write(buf)
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.reader.get_ref().write_vectored(bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
