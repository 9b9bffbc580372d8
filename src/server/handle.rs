//! Handles to a running server: for its requests and for other threads.

use super::shared::Shared;
use super::stats::Stats;
use crate::{Address, ServerConfig};
use std::fmt;
use std::sync::Arc;

/// A request's view of its server: shut it down, read its config, count
/// its requests. Cheap to clone.
///
/// # Examples
///
/// A handler that stops the server when told to:
///
/// ```
/// use socketserver::{Connection, RequestHandler};
/// use std::io::{self, BufRead};
///
/// struct StopOnQuit;
///
/// impl RequestHandler<Connection> for StopOnQuit {
///     fn handle(&self, conn: &mut Connection) -> io::Result<()> {
///         let mut line = String::new();
///         conn.read_line(&mut line)?;
///         if line.trim() == "quit" {
///             conn.server().shutdown();
///         }
///         Ok(())
///     }
/// }
/// ```
#[derive(Clone)]
pub struct ServerHandle {
    pub(crate) shared: Arc<Shared>,
}

impl ServerHandle {
    /// Starts shutting the server down and returns at once; see
    /// [`ShutdownHandle::shutdown`].
    pub fn shutdown(&self) {
        self.shared.begin_shutdown()
    }

    /// Whether shutdown has begun. A long-running handler checks this to
    /// finish early (an HTTP handler stops keeping connections alive).
    pub fn is_shutting_down(&self) -> bool {
        self.shared.is_shutting_down()
    }

    /// The server's limits and options.
    pub fn config(&self) -> &ServerConfig {
        &self.shared.config
    }

    /// The server's bound address.
    pub fn local_addr(&self) -> &Address {
        &self.shared.local
    }

    /// The server's counters now.
    pub fn stats(&self) -> Stats {
        self.shared.counters.snapshot(self.shared.tracker.count())
    }

    /// A handle that can shut the server down from any thread.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle { shared: Arc::clone(&self.shared) }
    }
}

impl fmt::Debug for ServerHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerHandle").field("local", &self.shared.local).finish_non_exhaustive()
    }
}

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
    shared: Arc<Shared>,
}

impl ShutdownHandle {
    /// Tells the server to stop accepting and drain, and returns at once.
    /// The serving loop wakes immediately: it waits on the listener and a
    /// notifier together, with no polling interval. Calling it again, or
    /// before serving starts, is harmless: a server told to shut down
    /// before `serve_forever` returns from it at once.
    pub fn shutdown(&self) {
        self.shared.begin_shutdown()
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
        self.shared.begin_shutdown();
        self.shared.wait_stopped();
    }

    /// Whether shutdown has begun.
    pub fn is_shutting_down(&self) -> bool {
        self.shared.is_shutting_down()
    }
}

impl fmt::Debug for ShutdownHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShutdownHandle").field("local", &self.shared.local).finish_non_exhaustive()
    }
}
