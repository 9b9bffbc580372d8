//! A request handler with a value for each request: Python's `self.data`.

use std::io;

/// A [`RequestHandler`](crate::RequestHandler) whose `setup` creates a
/// value for the request that `handle` and `finish` receive: where a
/// Python handler keeps `self.data`, `self.session` or an open file
/// between its three methods. Serve it wrapped in [`Stateful`](crate::Stateful).
///
/// One handler value serves every request at once, so per-request state
/// cannot live on `&self`; it lives in [`State`](Self::State), created
/// fresh for each request. The semantics are Python's, as for
/// `RequestHandler`: a `setup` error skips `handle` and `finish`; `finish`
/// runs whatever `handle` did (an error or a panic), and gets the state
/// back by value, to close or record it.
///
/// # Examples
///
/// Counting a connection's lines and reporting the total when it ends:
///
/// ```
/// use socketserver::{Connection, Server, Stateful, StatefulHandler, Tcp};
/// use std::io::{self, BufRead, Write};
///
/// struct LineCounter;
///
/// impl StatefulHandler<Connection> for LineCounter {
///     type State = usize;
///
///     fn setup(&self, conn: &mut Connection) -> io::Result<usize> {
///         conn.write_all(b"send lines; I count them\n")?;
///         Ok(0)
///     }
///
///     fn handle(&self, conn: &mut Connection, count: &mut usize) -> io::Result<()> {
///         let mut line = String::new();
///         while conn.read_line(&mut line)? > 0 {
///             *count += 1;
///             line.clear();
///         }
///         Ok(())
///     }
///
///     fn finish(&self, conn: &mut Connection, count: usize) -> io::Result<()> {
///         writeln!(conn, "{count} lines")
///     }
/// }
///
/// let server = Server::builder(Stateful::new(LineCounter)).bind::<Tcp>("127.0.0.1:0")?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub trait StatefulHandler<R>: Send + Sync + 'static {
    /// The value one request keeps from `setup` to `finish`.
    type State: Send;

    /// Prepares the request and creates its state; an error skips
    /// `handle` and `finish`.
    ///
    /// # Errors
    ///
    /// Whatever the handler decides; the error goes to `handle_error`.
    fn setup(&self, request: &mut R) -> io::Result<Self::State>;

    /// Serves the request, with its state.
    ///
    /// # Errors
    ///
    /// Whatever the handler decides; the error goes to `handle_error` and
    /// `finish` still runs.
    fn handle(&self, request: &mut R, state: &mut Self::State) -> io::Result<()>;

    /// Cleans up after `handle`, whatever it did, taking the state back.
    /// Default: drops it.
    ///
    /// # Errors
    ///
    /// Whatever the handler decides; the error goes to `handle_error`
    /// (unless `handle` failed too: then `handle`'s error goes, and this
    /// one is logged).
    fn finish(&self, _request: &mut R, _state: Self::State) -> io::Result<()> {
        Ok(())
    }

    /// As [`RequestHandler::busy`](crate::RequestHandler::busy): a short
    /// answer for a request refused at capacity. Default: nothing.
    fn busy(&self, _request: &mut R) {}

    /// As [`RequestHandler::oversized`](crate::RequestHandler::oversized):
    /// an answer to a datagram over the size limit. Default: nothing.
    fn oversized(&self, _request: &mut R) {}
}
