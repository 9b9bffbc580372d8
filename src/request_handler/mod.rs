//! The request handler: Python's `BaseRequestHandler`.

mod stateful;
mod stateful_handler;

pub use self::stateful::Stateful;
pub use self::stateful_handler::StatefulHandler;

use crate::protocol::Protocol;
use std::io;
use std::sync::Arc;

/// Serves one request `R`: a [`Connection`](crate::Connection) from a
/// stream transport (TCP, Unix stream), a [`Datagram`](crate::Datagram)
/// from a datagram transport (UDP, Unix datagram). One implementation
/// serves every transport of its kind, as Python's
/// `StreamRequestHandler` serves TCP and Unix alike.
///
/// The server calls [`setup`](Self::setup), then [`handle`](Self::handle),
/// then [`finish`](Self::finish), with Python's semantics: `finish` runs
/// whenever `setup` succeeded, whatever `handle` did (returned an error or
/// panicked); a `setup` error skips both. Errors and panics go to
/// [`Hooks::handle_error`](crate::Hooks::handle_error); the connection is
/// closed and the server and its workers live on.
///
/// A raw handler owns its connection for the length of `handle`, as in
/// Python: it is dispatched as soon as the connection is accepted (so a
/// server-speaks-first protocol can greet), and it holds a thread while
/// its client is slow. For many slow or idle clients, write a
/// [`MessageHandler`](crate::MessageHandler) or use the HTTP layer (their
/// connections wait in the server's poller, not in a thread), or serve
/// with [`ThreadPerConnection`](crate::ThreadPerConnection).
///
/// One handler value serves every request, from many threads at once, so
/// it is `Send + Sync`; state for one request lives in `handle`'s locals,
/// or, when `setup` creates it and `finish` needs it (Python's
/// `self.data`), in a [`StatefulHandler`]'s `State`.
///
/// # Examples
///
/// A line echo for every stream transport:
///
/// ```
/// use socketserver::{Connection, RequestHandler};
/// use std::io::{self, BufRead, Write};
///
/// struct LineEcho;
///
/// impl RequestHandler<Connection> for LineEcho {
///     fn handle(&self, conn: &mut Connection) -> io::Result<()> {
///         let mut line = String::new();
///         while conn.read_line(&mut line)? > 0 {
///             conn.write_all(line.as_bytes())?;
///             line.clear();
///         }
///         Ok(())
///     }
/// }
/// ```
pub trait RequestHandler<R>: Send + Sync + 'static {
    /// Prepares the request; an error skips `handle` and `finish`.
    /// Default: nothing.
    ///
    /// # Errors
    ///
    /// Whatever the handler decides; the error goes to `handle_error`.
    fn setup(&self, _request: &mut R) -> io::Result<()> {
        Ok(())
    }

    /// Serves the request.
    ///
    /// # Errors
    ///
    /// Whatever the handler decides; the error goes to `handle_error` and
    /// `finish` still runs.
    fn handle(&self, request: &mut R) -> io::Result<()>;

    /// Cleans up after `handle`, whatever it did. Default: nothing.
    ///
    /// # Errors
    ///
    /// Whatever the handler decides; the error goes to `handle_error`.
    fn finish(&self, _request: &mut R) -> io::Result<()> {
        Ok(())
    }

    /// Called instead of `setup`/`handle`/`finish` when the server is at
    /// capacity and its overload policy is to reject: a chance to send a
    /// short "busy" answer before the connection closes. The socket is
    /// non-blocking, so the serving thread never waits on the client: write
    /// a short answer in one go (a TLS client whose handshake is not done
    /// gets none). Default: nothing (the connection is closed).
    fn busy(&self, _request: &mut R) {}

    /// Called instead of `setup`/`handle`/`finish` for a datagram larger
    /// than `max_message_size` (already logged and counted), with its data
    /// cut to the limit: a chance to answer with an error. Default: nothing
    /// (the datagram is dropped).
    fn oversized(&self, _request: &mut R) {}

    /// The resumable protocol this handler speaks, for stream connections:
    /// when there is one, the server drives each connection in
    /// non-blocking [`Protocol`] steps between `setup` and `finish`,
    /// instead of calling `handle`, so the connection waits in the poller
    /// rather than in a thread. [`Messages`](crate::Messages) and the HTTP
    /// layer return theirs; a handler that wraps one of them keeps the
    /// default, and its `handle` runs the layer's loop on its own thread.
    /// Default: `None`, Python's contract. Not consulted for datagrams.
    fn protocol(self: &Arc<Self>) -> Option<Box<dyn Protocol<R>>> {
        None
    }
}
