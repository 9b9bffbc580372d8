//! The request handler: Python's `BaseRequestHandler`.

use crate::Transport;
use std::io;

/// Serves one request: a connection on a stream transport, a datagram on a
/// datagram transport.
///
/// The server calls [`setup`](Self::setup), then [`handle`](Self::handle),
/// then [`finish`](Self::finish), with Python's semantics: `finish` runs
/// whenever `setup` succeeded, whatever `handle` did (returned an error or
/// panicked); a `setup` error skips both. Errors and panics go to
/// [`Hooks::handle_error`](crate::Hooks::handle_error); the connection is
/// closed and the server and its workers live on.
///
/// One handler value serves every request, from many threads at once, so
/// it is `Send + Sync`; state for one request lives in `handle`'s locals.
/// For a protocol of messages, write a [`MessageHandler`](crate::MessageHandler)
/// instead and let the framework own the read loop.
///
/// # Examples
///
/// A line echo for both stream transports:
///
/// ```
/// use socketserver::{Connection, RequestHandler, Transport};
/// use std::io::{self, BufRead, Write};
///
/// struct LineEcho;
///
/// impl<T: Transport<Request = Connection>> RequestHandler<T> for LineEcho {
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
pub trait RequestHandler<T: Transport>: Send + Sync + 'static {
    /// Prepares the request; an error skips `handle` and `finish`.
    /// Default: nothing.
    ///
    /// # Errors
    ///
    /// Whatever the handler decides; the error goes to `handle_error`.
    fn setup(&self, _request: &mut T::Request) -> io::Result<()> {
        Ok(())
    }

    /// Serves the request.
    ///
    /// # Errors
    ///
    /// Whatever the handler decides; the error goes to `handle_error` and
    /// `finish` still runs.
    fn handle(&self, request: &mut T::Request) -> io::Result<()>;

    /// Cleans up after `handle`, whatever it did. Default: nothing.
    ///
    /// # Errors
    ///
    /// Whatever the handler decides; the error goes to `handle_error`.
    fn finish(&self, _request: &mut T::Request) -> io::Result<()> {
        Ok(())
    }

    /// Called instead of `setup`/`handle`/`finish` when the server is at
    /// capacity and its overload policy is to reject: a chance to send a
    /// short "busy" answer before the connection closes. It must not block
    /// for long; the serving thread is waiting. Default: nothing (the
    /// connection is closed).
    fn busy(&self, _request: &mut T::Request) {}

    /// Whether `handle` may return early, leaving the connection parked,
    /// and expects to be called again when bytes arrive. Only the
    /// framework's own loops say yes; a wrapper that delegates to one
    /// keeps the default, and its connections never park.
    #[doc(hidden)]
    fn resumable(&self) -> bool {
        false
    }

    /// Called instead of `setup`/`handle`/`finish` for a datagram larger
    /// than `max_message_size` (already logged and counted), with its data
    /// cut to the limit: a chance to answer with an error. Default: nothing
    /// (the datagram is dropped).
    fn oversized(&self, _request: &mut T::Request) {}
}
