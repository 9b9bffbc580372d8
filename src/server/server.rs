//! The server: a transport, a concurrency strategy and a handler.

use super::reactor::Reactor;
use super::serve_request::Context;
use super::shared::Shared;
use super::{DrainReport, ServerBuilder, ServerHandle, ShutdownHandle, Stats};
use crate::{Address, Concurrency, Dispatch, Hooks, Job, RequestHandler, SingleThread, Tcp, Transport};
use parking_lot::Mutex;
use std::fmt;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::Arc;
use std::time::{Duration, Instant};
/// Time after the drain deadline for threads to notice their closed
/// connections.
const THREAD_GRACE: Duration = Duration::from_secs(1);

/// A bound server: transport `T`, concurrency strategy `C`, handler `H`.
///
/// Python's `socketserver` as three type parameters: `Server<Tcp,
/// ThreadPool, Echo>` is `ThreadingTCPServer` with a bounded pool. Build
/// one with [`Server::builder`], serve with [`serve_forever`](Self::serve_forever)
/// or [`handle_request`](Self::handle_request), and stop it from any thread
/// with a [`ShutdownHandle`]. Dropping it drains in-flight requests (up to
/// the drain timeout) and closes the socket, like Python's `with server:`.
///
/// # Examples
///
/// ```
/// use socketserver::{Connection, RequestHandler, Server, Tcp};
/// use std::io::{self, Read, Write};
///
/// struct Hello;
///
/// impl RequestHandler<Connection> for Hello {
///     fn handle(&self, conn: &mut Connection) -> io::Result<()> {
///         conn.write_all(b"hello\n")
///     }
/// }
///
/// let server = Server::builder(Hello).bind::<Tcp>("127.0.0.1:0")?;
/// let addr = server.local_addr().as_inet().unwrap();
/// let stop = server.shutdown_handle();
/// let serving = std::thread::spawn(move || server.serve_forever());
///
/// let mut reply = String::new();
/// std::net::TcpStream::connect(addr)?.read_to_string(&mut reply)?;
/// assert_eq!(reply, "hello\n");
///
/// stop.shutdown();
/// serving.join().unwrap()?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Server<T: Transport, C, H> {
    reactor: Arc<Reactor<T, H>>,
    concurrency: Arc<C>,
    handle: ServerHandle,
    report: Mutex<Option<DrainReport>>,
    /// Drains and unregisters the listener; a function pointer so `Drop`
    /// needs no handler bounds (and `Server::builder` can live on a plain
    /// `impl`).
    closer: fn(&Self),
}

impl Server<Tcp, SingleThread, ()> {
    /// Starts building a server around `handler`; see [`ServerBuilder`].
    pub fn builder<H>(handler: H) -> ServerBuilder<H> {
        ServerBuilder::new(handler)
    }
}

impl<T: Transport, C: Concurrency, H: RequestHandler<T::Request>> Server<T, C, H> {
    pub(crate) fn assemble(
        transport: T,
        concurrency: C,
        handler: H,
        hooks: Arc<dyn Hooks>,
        shared: Shared,
    ) -> io::Result<Self> {
        let concurrency = Arc::new(concurrency);
        let shared = Arc::new(shared);
        let context = Arc::new(Context::new(handler, hooks, shared));
        let handle = context.server_handle();
        let as_dyn: Arc<dyn Concurrency> = concurrency.clone();
        let _ = context.shared.concurrency.0.set(as_dyn.clone());
        let reactor = Arc::new(Reactor::new(transport, context, as_dyn)?);
        Ok(Server { reactor, concurrency, handle, report: Mutex::new(None), closer: Self::close_now })
    }

    fn close_now(&self) {
        self.drain();
        self.reactor.close_listener();
    }

    fn shared(&self) -> &Shared {
        &self.reactor.context.shared
    }

    /// The address actually bound: the real port when bound to port 0.
    pub fn local_addr(&self) -> &Address {
        self.reactor.transport.local_addr()
    }

    /// A handle that stops this server from any thread.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.handle.shutdown_handle()
    }

    /// The server's own view, as its requests get it.
    pub fn handle(&self) -> &ServerHandle {
        &self.handle
    }

    /// The server's counters now.
    pub fn stats(&self) -> Stats {
        self.handle.stats()
    }

    /// The concurrency strategy, to inspect it (a pool's live workers).
    pub fn concurrency(&self) -> &C {
        &self.concurrency
    }

    /// The handler.
    pub fn handler(&self) -> &H {
        &self.reactor.context.handler
    }

    /// The transport: the bound listening socket (Python's
    /// `server.socket`), for options this crate does not wrap. The
    /// server also implements [`AsFd`] for it.
    pub fn transport(&self) -> &T {
        &self.reactor.transport
    }

    /// Starts shutting down; returns at once. Same as
    /// [`ShutdownHandle::shutdown`].
    pub fn shutdown(&self) {
        self.handle.shutdown()
    }

    /// Serves until shut down, then drains and returns what the drain did.
    ///
    /// Under [`SingleThread`] the calling thread runs the server's reactor
    /// and every step; under [`ThreadPool`](crate::ThreadPool) the pool's
    /// workers run it and the calling thread waits for the shutdown; under
    /// [`ThreadPerConnection`](crate::ThreadPerConnection) (and a pool of
    /// your own) the calling thread accepts and hands each connection to
    /// the strategy. See [`Dispatch`].
    ///
    /// The reactor sleeps until there is work and wakes at once on
    /// shutdown. Accept errors never end it: a connection aborted or reset
    /// before it was accepted is skipped; running out of descriptors,
    /// buffers or memory (`EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`) is
    /// logged and accepting pauses (10 ms, doubling to 1 s) while other
    /// connections finish. After shutdown it stops accepting, closes the
    /// connections waiting between requests, ends the read side of raw
    /// handlers' connections (requests already read still get their
    /// replies), lets the rest finish until the drain timeout, and closes
    /// what is left. The listening socket stays open until the server is
    /// dropped.
    ///
    /// # Shutdown is permanent
    ///
    /// Unlike Python's, a server shuts down once: after a shutdown, a
    /// later `serve_forever` (or [`handle_request`](Self::handle_request))
    /// returns at once, with the first drain's report. Python resets its
    /// shutdown flag when `serve_forever` returns, so a `shutdown()` that
    /// arrives just before a second `serve_forever` starts is lost, and
    /// one called before the first `serve_forever` ever runs blocks
    /// forever; here a [`ShutdownHandle`] held by another thread means the
    /// same thing whenever it is used. The drain also ends the strategy's
    /// threads. To serve again, bind a new server: `SO_REUSEADDR` lets it
    /// take the same TCP port at once.
    ///
    /// # Errors
    ///
    /// Only when a strategy's loop cannot be started, which does not
    /// happen in normal operation.
    ///
    /// # Examples
    ///
    /// A server on its own thread, stopped from another:
    ///
    /// ```
    /// use socketserver::{Connection, RequestHandler, Server, Tcp, ThreadPool};
    /// use std::io::{self, BufRead, BufReader, Write};
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
    ///
    /// let server = Server::builder(LineEcho)
    ///     .concurrency(ThreadPool::new(4))
    ///     .bind::<Tcp>("127.0.0.1:0")?;
    /// let addr = server.local_addr().as_inet().unwrap();
    /// let stop = server.shutdown_handle();
    /// let serving = std::thread::spawn(move || server.serve_forever());
    ///
    /// let mut client = std::net::TcpStream::connect(addr)?;
    /// client.write_all(b"ping\n")?;
    /// let mut line = String::new();
    /// BufReader::new(&client).read_line(&mut line)?;
    /// assert_eq!(line, "ping\n");
    ///
    /// stop.shutdown();
    /// let report = serving.join().unwrap()?;
    /// assert_eq!(report.cut_off, 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn serve_forever(&self) -> io::Result<DrainReport> {
        let _serving = self.shared().enter_serving();
        log::debug!("serving {} on {} with {}", T::NAME, self.local_addr(), self.concurrency.describe());
        self.reactor.listen();
        let shared = Arc::clone(&self.reactor.context.shared);
        match self.concurrency.dispatch() {
            Dispatch::Loops { loops, .. } => {
                for _ in 0..loops {
                    let reactor = Arc::clone(&self.reactor);
                    // A loop thread runs requests (steps, handlers, `setup`
                    // and `finish`) for as long as the loop runs.
                    let job = Job::new(
                        move |run| {
                            if run {
                                let _running = reactor.context.shared.enter_request();
                                reactor.run(|| false, None)
                            }
                        },
                        shared.cancelled.clone(),
                    );
                    self.concurrency.execute(job);
                }
                self.reactor.monitor(|| shared.is_shutting_down(), true);
            }
            _ => self.reactor.run(|| shared.is_shutting_down(), None),
        }
        Ok(self.drain())
    }

    /// Serves at most one request on the calling thread, waiting up to
    /// `timeout` for it (`None` waits until one arrives or the server
    /// shuts down): Python's `handle_request`. A connection is served to
    /// its end (a message or HTTP connection until it closes), except
    /// under [`Dispatch::Blocking`] strategies, which get it as a job.
    /// When the wait runs out, calls [`Hooks::handle_timeout`].
    ///
    /// Returns whether a request was handed to its handler: `false` when
    /// the wait ran out, the server is shutting down, or the one request
    /// that arrived was refused ([`Hooks::verify_request`] said no,
    /// counted in [`Stats::refused`](crate::Stats::refused); a datagram
    /// over the size limit; a connection past `max_connections`). As in
    /// Python, a refused request still ends the call. Not for use while
    /// [`serve_forever`](Self::serve_forever) runs.
    ///
    /// `Some(Duration::ZERO)` polls, as Python's `timeout = 0` does: a
    /// request already waiting is served, otherwise `handle_timeout` runs
    /// and `false` is returned at once. `None` waits without limit.
    ///
    /// # Errors
    ///
    /// Fails when accepting fails for want of resources (`EMFILE` and
    /// the like); connections aborted before they were accepted are
    /// skipped silently.
    ///
    /// # Examples
    ///
    /// Python's manual loop, one request per call, with a check between:
    ///
    /// ```
    /// use socketserver::{Connection, RequestHandler, Server, SingleThread, Tcp};
    /// use std::io::{self, Read, Write};
    /// use std::time::Duration;
    ///
    /// struct Greet;
    ///
    /// impl RequestHandler<Connection> for Greet {
    ///     fn handle(&self, conn: &mut Connection) -> io::Result<()> {
    ///         conn.write_all(b"hello\n")
    ///     }
    /// }
    ///
    /// let server = Server::builder(Greet).concurrency(SingleThread).bind::<Tcp>("127.0.0.1:0")?;
    /// let addr = server.local_addr().as_inet().unwrap();
    /// let client = std::thread::spawn(move || {
    ///     let mut reply = String::new();
    ///     std::net::TcpStream::connect(addr)?.read_to_string(&mut reply)?;
    ///     Ok::<_, io::Error>(reply)
    /// });
    /// assert!(server.handle_request(Some(Duration::from_secs(10)))?);
    /// assert_eq!(client.join().unwrap()?, "hello\n");
    /// // Nobody else is coming: the wait runs out and `handle_timeout` runs.
    /// assert!(!server.handle_request(Some(Duration::from_millis(10)))?);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn handle_request(&self, timeout: Option<Duration>) -> io::Result<bool> {
        let deadline = timeout.map(|t| Instant::now() + t);
        while !self.shared().is_shutting_down() {
            if let Some(request) = self.reactor.accept_one()? {
                return Ok(self.reactor.serve_one(request));
            }
            let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if remaining == Some(Duration::ZERO) {
                self.reactor.context.hooks.handle_timeout();
                return Ok(false);
            }
            self.reactor.wait_for_listener(remaining)?;
        }
        Ok(false)
    }

    /// Shuts down, drains and closes the socket (Python's `server_close`),
    /// returning what the drain did. Dropping the server does the same.
    pub fn close(self) -> DrainReport {
        self.drain()
    }

    /// Stops accepting and waits for in-flight requests; see
    /// [`serve_forever`](Self::serve_forever). Runs once; later calls
    /// return the first report.
    fn drain(&self) -> DrainReport {
        let mut report = self.report.lock();
        if let Some(report) = *report {
            return report;
        }
        let shared = self.shared();
        shared.begin_shutdown();
        let started = Instant::now();
        let deadline = drain_deadline(started, shared.config.drain_timeout);
        self.reactor.begin_drain();
        let left = self.wait_for_requests(deadline);
        // Derived from the connections' states (see `docs/reactor.md`):
        // raw handlers' requests, and the driven connections with a
        // request under way when the drain began or whose first byte came
        // before they closed.
        let in_flight = self.reactor.in_flight() + shared.tracker.in_flight();
        let cut_off =
            if left > 0 { self.reactor.open_in_flight() + shared.tracker.open_in_flight() } else { 0 };
        if left > 0 {
            log::warn!("drain timeout passed with {cut_off} requests in flight; closing their connections");
            self.reactor.cut_off();
            shared.tracker.close_all();
        }
        self.reactor.stop();
        let threads_left = self.concurrency.drain(deadline.max(Instant::now()) + THREAD_GRACE);
        if threads_left > 0 {
            log::warn!("{threads_left} worker threads still busy after the drain; leaving them");
        }
        self.reactor.close_queued();
        let done = DrainReport { in_flight, cut_off, threads_left, elapsed: started.elapsed() };
        log::debug!("drained {}: {done:?}", self.local_addr());
        *report = Some(done);
        done
    }

    /// Waits until every request is done or `deadline`; returns how many
    /// were still in flight then. Under [`Dispatch::Serving`] the calling
    /// thread is the one that runs the steps, so it runs the reactor
    /// meanwhile; under [`Dispatch::Loops`] it goes on monitoring them.
    fn wait_for_requests(&self, deadline: Instant) -> usize {
        let tracker = &self.shared().tracker;
        let done = || tracker.count() == 0 || Instant::now() >= deadline;
        match self.concurrency.dispatch() {
            Dispatch::Serving => self.reactor.run(done, Some(deadline)),
            Dispatch::Loops { .. } => self.reactor.monitor(done, false),
            _ => {}
        }
        tracker.wait_empty(deadline)
    }
}

/// When the drain gives up on in-flight requests: `timeout` after
/// `started`, or, for a zero timeout, never in practice (a century on),
/// as zero means "no limit" for every duration of [`ServerConfig`](crate::ServerConfig).
fn drain_deadline(started: Instant, timeout: Duration) -> Instant {
    const NO_LIMIT: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
    started + if timeout.is_zero() { NO_LIMIT } else { timeout }
}

/// The listening socket (Python's `server.socket`): for `getsockopt`,
/// passing it to a child process, or registering it elsewhere. It is
/// non-blocking and the server's own poller waits on it; accepting from it
/// behind the server's back takes requests the server would have served.
///
/// # Examples
///
/// ```
/// use socketserver::{Connection, RequestHandler, Server, Tcp};
/// use std::os::fd::AsFd;
/// # struct Quiet;
/// # impl RequestHandler<Connection> for Quiet {
/// #     fn handle(&self, _: &mut Connection) -> std::io::Result<()> { Ok(()) }
/// # }
///
/// let server = Server::builder(Quiet).bind::<Tcp>("127.0.0.1:0")?;
/// // With the standard library alone: a duplicate of the descriptor as a
/// // `TcpListener`, to read what std can (the socket stays the server's).
/// let listener = std::net::TcpListener::from(server.as_fd().try_clone_to_owned()?);
/// assert_eq!(listener.local_addr()?, server.local_addr().as_inet().unwrap());
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// With the `socket2` crate (a dependency of yours), any option, without
/// a duplicate: `socket2::SockRef::from(&server.as_fd()).is_listener()`.
impl<T: Transport, C, H> AsFd for Server<T, C, H> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.reactor.transport.as_fd()
    }
}

impl<T: Transport, C, H> Drop for Server<T, C, H> {
    fn drop(&mut self) {
        (self.closer)(self)
    }
}

impl<T: Transport, C, H> fmt::Debug for Server<T, C, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server").field("local", self.handle.local_addr()).finish_non_exhaustive()
    }
}
