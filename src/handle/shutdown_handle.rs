//! A handle that stops a server from any thread.

use super::ServerState;
use std::fmt;
use std::sync::Arc;

/// Stops a server from any thread, a handler's included.
///
/// `Clone + Send + Sync`; get one from
/// [`Server::shutdown_handle`](crate::Server::shutdown_handle) before
/// moving the server into its thread.
///
/// # Examples
///
/// ```
/// use socketserver::{Connection, RequestHandler, Server, Tcp};
/// # struct Quiet;
/// # impl RequestHandler<Connection> for Quiet {
/// #     fn handle(&self, _: &mut Connection) -> std::io::Result<()> { Ok(()) }
/// # }
///
/// let server = Server::builder(Quiet).bind::<Tcp>("127.0.0.1:0")?;
/// let stop = server.shutdown_handle();
/// let serving = std::thread::spawn(move || server.serve_forever());
/// stop.shutdown_and_wait();
/// let report = serving.join().unwrap()?;
/// assert_eq!(report.cut_off, 0);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct ShutdownHandle {
    server: Arc<dyn ServerState>,
}

impl ShutdownHandle {
    /// The handle of `server`.
    pub(crate) fn new(server: Arc<dyn ServerState>) -> ShutdownHandle {
        ShutdownHandle { server }
    }

    /// Tells the server to stop accepting and drain, and returns at once.
    /// The serving loop wakes immediately: it waits on the listener and a
    /// notifier together, with no polling interval. Calling it again, or
    /// before serving starts, is harmless: a server told to shut down
    /// before `serve_forever` returns from it at once.
    pub fn shutdown(&self) {
        self.server.begin_shutdown()
    }

    /// Like [`shutdown`](Self::shutdown), then blocks until
    /// `serve_forever` has drained and returned (at most the drain timeout
    /// plus a short grace). Returns at once if nothing is serving.
    ///
    /// # Called from inside the server
    ///
    /// The drain waits for every request in flight, so a thread that is
    /// itself running a request of this server cannot wait for the drain
    /// without deadlocking: a handler (raw or message), a protocol step,
    /// `setup` or `finish`, a hook on the serving thread, under any
    /// strategy (a [`Concurrency`](crate::Concurrency) of your own
    /// included). From such a thread this starts the shutdown, logs a
    /// warning (once per server), and returns at once, as
    /// [`shutdown`](Self::shutdown) does; the drain then waits for the
    /// calling request to end like any other. Prefer
    /// [`shutdown`](Self::shutdown) there. A thread that a handler starts
    /// and waits for is not known to the server: it waits, and so does
    /// the handler. Waiting for a *different* server's drain from a
    /// handler waits as from any other thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use socketserver::{Connection, RequestHandler, Server, Tcp, ThreadPool};
    /// # struct Quiet;
    /// # impl RequestHandler<Connection> for Quiet {
    /// #     fn handle(&self, _: &mut Connection) -> std::io::Result<()> { Ok(()) }
    /// # }
    ///
    /// let server = Server::builder(Quiet).concurrency(ThreadPool::new(2)).bind::<Tcp>("127.0.0.1:0")?;
    /// let stop = server.shutdown_handle();
    /// let serving = std::thread::spawn(move || server.serve_forever());
    /// stop.shutdown_and_wait();
    /// // The drain is over: nothing was in flight, nothing cut off.
    /// let report = serving.join().unwrap()?;
    /// assert_eq!(report.cut_off, 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn shutdown_and_wait(&self) {
        self.server.begin_shutdown();
        self.server.wait_stopped();
    }

    /// Whether shutdown has begun.
    pub fn is_shutting_down(&self) -> bool {
        self.server.is_shutting_down()
    }
}

impl fmt::Debug for ShutdownHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShutdownHandle").field("local", self.server.local_addr()).finish_non_exhaustive()
    }
}
