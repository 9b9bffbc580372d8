//! The server: a transport, a concurrency strategy and a handler.

use super::accept_error::{classify, AcceptError, Backoff};
use super::parking::Parking;
use super::serve_request::{guarded, Admitted, Context};
use super::shared::Shared;
use super::stats::Counters;
use super::{DrainReport, ServerBuilder, ServerHandle, ShutdownHandle, Stats};
use crate::request::Request;
use crate::{Address, Concurrency, Hooks, RequestHandler, SingleThread, Tcp, Transport};
use parking_lot::Mutex;
use polling::{Event, Events, PollMode};
use std::fmt;
use std::io;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Most requests accepted per wake-up before hooks run and shutdown is
/// checked again.
const ACCEPT_BATCH: usize = 64;
/// The poller key of the listening socket.
const LISTENER: usize = 0;
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
/// impl RequestHandler<Tcp> for Hello {
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
pub struct Server<T, C, H> {
    transport: T,
    concurrency: Arc<C>,
    context: Arc<Context<T, H>>,
    handle: ServerHandle,
    scratch: Mutex<Vec<u8>>,
    report: Mutex<Option<DrainReport>>,
    /// Drains and unregisters the listener; a function pointer so `Drop`
    /// needs no trait bounds (and `Server::builder` can live on a plain
    /// `impl`).
    closer: fn(&Self),
}

impl Server<Tcp, SingleThread, ()> {
    /// Starts building a server around `handler`; see [`ServerBuilder`].
    pub fn builder<H>(handler: H) -> ServerBuilder<H> {
        ServerBuilder::new(handler)
    }
}

impl<T: Transport, C: Concurrency, H: RequestHandler<T>> Server<T, C, H> {
    pub(crate) fn assemble(
        transport: T,
        concurrency: C,
        handler: H,
        hooks: Arc<dyn Hooks>,
        shared: Shared,
    ) -> io::Result<Self> {
        let scratch = vec![0; shared.config.max_message_size.saturating_add(1)];
        // SAFETY: the listener is deleted from the poller in `Drop`, before
        // the transport (and so its socket) is dropped.
        unsafe {
            shared.poller.add_with_mode(
                transport.as_fd().as_raw_fd(),
                Event::readable(LISTENER),
                PollMode::Level,
            )?;
        }
        let concurrency = Arc::new(concurrency);
        let _ = shared.parking.set(Parking::new(&concurrency)?);
        let shared = Arc::new(shared);
        Ok(Server {
            transport,
            concurrency,
            context: Arc::new(Context::new(handler, hooks, Arc::clone(&shared))),
            handle: ServerHandle { shared },
            scratch: Mutex::new(if T::is_stream() { Vec::new() } else { scratch }),
            report: Mutex::new(None),
            closer: Self::close_now,
        })
    }

    fn close_now(&self) {
        self.drain();
        if let Some(parking) = self.shared().parking.get() {
            parking.stop();
        }
        let _ = self.shared().poller.delete(&self.transport);
    }

    fn shared(&self) -> &Shared {
        &self.handle.shared
    }

    /// The address actually bound: the real port when bound to port 0.
    pub fn local_addr(&self) -> &Address {
        self.transport.local_addr()
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
        &self.context.handler
    }

    /// Starts shutting down; returns at once. Same as
    /// [`ShutdownHandle::shutdown`].
    pub fn shutdown(&self) {
        self.handle.shutdown()
    }

    /// Serves until shut down, then drains and returns what the drain did.
    ///
    /// The loop waits for the listener and the shutdown notifier together,
    /// so it sleeps until there is work and wakes at once on shutdown.
    /// Accept errors never end it: a connection aborted or reset before it
    /// was accepted is skipped; running out of descriptors, buffers or
    /// memory (`EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`) is logged and
    /// accepting pauses (10 ms, doubling to 1 s) while other connections
    /// finish. After shutdown the loop stops accepting, ends the read side
    /// of open connections (requests already read still get their replies),
    /// waits up to the drain timeout, and closes what is left. The
    /// listening socket stays open until the server is dropped.
    ///
    /// # Errors
    ///
    /// Only when waiting for readiness itself fails, which does not happen
    /// in normal operation.
    pub fn serve_forever(&self) -> io::Result<DrainReport> {
        let _serving = self.shared().enter_serving();
        log::debug!("serving {} on {} with {}", T::NAME, self.local_addr(), self.concurrency.describe());
        let mut events = Events::new();
        let mut backoff = Backoff::default();
        while !self.shared().is_shutting_down() {
            events.clear();
            self.wait(&mut events, backoff.timeout())?;
            if backoff.take_expired() {
                self.listen(true)?;
            }
            if !events.is_empty() && !self.shared().is_shutting_down() {
                self.accept_batch(&mut backoff)?;
            }
            self.run_service_actions();
        }
        Ok(self.drain())
    }

    /// Serves at most one request, waiting up to `timeout` for it (`None`
    /// waits until one arrives or the server shuts down). When the wait
    /// runs out, calls [`Hooks::handle_timeout`]. Returns whether a
    /// request was dispatched.
    ///
    /// # Errors
    ///
    /// Fails when accepting fails for want of resources (`EMFILE` and
    /// the like); connections aborted before they were accepted are
    /// skipped silently.
    pub fn handle_request(&self, timeout: Option<Duration>) -> io::Result<bool> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut events = Events::new();
        while !self.shared().is_shutting_down() {
            if let Some(request) = self.accept_one()? {
                self.dispatch(request);
                return Ok(true);
            }
            let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if remaining == Some(Duration::ZERO) {
                self.context.hooks.handle_timeout();
                return Ok(false);
            }
            events.clear();
            self.wait(&mut events, remaining)?;
        }
        Ok(false)
    }

    /// Shuts down, drains and closes the socket (Python's `server_close`),
    /// returning what the drain did. Dropping the server does the same.
    pub fn close(self) -> DrainReport {
        self.drain()
    }

    fn wait(&self, events: &mut Events, timeout: Option<Duration>) -> io::Result<()> {
        match self.shared().poller.wait(events, timeout) {
            Err(err) if err.kind() != io::ErrorKind::Interrupted => Err(err),
            _ => Ok(()),
        }
    }

    /// Turns the listener's readiness interest on or off.
    fn listen(&self, on: bool) -> io::Result<()> {
        let interest = if on { Event::readable(LISTENER) } else { Event::none(LISTENER) };
        self.shared().poller.modify_with_mode(&self.transport, interest, PollMode::Level)
    }

    fn accept_batch(&self, backoff: &mut Backoff) -> io::Result<()> {
        for _ in 0..ACCEPT_BATCH {
            let accepted = self.transport.accept(&self.handle, &mut self.scratch.lock());
            match accepted {
                Ok(request) => {
                    backoff.reset();
                    self.dispatch(request);
                }
                Err(err) => match classify(&err) {
                    AcceptError::Drained => return Ok(()),
                    AcceptError::Skip => log::debug!("skipped a failed {} accept: {err}", T::NAME),
                    AcceptError::BackOff => return self.pause(backoff, &err),
                },
            }
            if self.shared().is_shutting_down() {
                break;
            }
        }
        Ok(())
    }

    fn pause(&self, backoff: &mut Backoff, err: &io::Error) -> io::Result<()> {
        let first = !backoff.is_backing_off();
        let delay = backoff.trip();
        let message = format!("cannot accept on {}: {err}; pausing accepts for {delay:?}", self.local_addr());
        if first {
            log::warn!("{message}");
        } else {
            log::debug!("{message}");
        }
        self.listen(false)
    }

    fn accept_one(&self) -> io::Result<Option<T::Request>> {
        loop {
            match self.transport.accept(&self.handle, &mut self.scratch.lock()) {
                Ok(request) => return Ok(Some(request)),
                Err(err) => match classify(&err) {
                    AcceptError::Drained => return Ok(None),
                    AcceptError::Skip => continue,
                    AcceptError::BackOff => return Err(err),
                },
            }
        }
    }

    fn run_service_actions(&self) {
        let hooks = &self.context.hooks;
        if let Err(failure) = guarded(|| {
            hooks.service_actions();
            Ok(())
        }) {
            log::error!("service_actions failed: {failure}");
        }
    }

    /// Verifies, admits and hands one request to the strategy.
    fn dispatch(&self, mut request: T::Request) {
        let shared = self.shared();
        if !self.context.hooks.verify_request(request.peer_addr()) {
            log::debug!("verify_request refused {}", request.peer_addr());
            return;
        }
        if request.is_oversized() {
            return self.drop_oversized(request);
        }
        let max = shared.config.max_connections;
        let Some(id) = shared.tracker.admit(request_fd(&request), max) else {
            return self.context.reject(&mut request);
        };
        let job = self.context.job(Admitted { request, id, shared: Arc::clone(&self.handle.shared) });
        self.concurrency.execute(job);
    }

    fn drop_oversized(&self, mut request: T::Request) {
        let shared = self.shared();
        Counters::bump(&shared.counters.oversized);
        log::warn!(
            "dropped a datagram from {} longer than max_message_size ({} bytes)",
            request.peer_addr(),
            shared.config.max_message_size
        );
        let handler = &self.context.handler;
        let _ = guarded(|| {
            handler.oversized(&mut request);
            Ok(())
        });
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
        let deadline = started + shared.config.drain_timeout;
        // Counted when shutdown began, as the handlers that ended at once
        // on seeing their read side closed were in flight too (plus any
        // admitted by a serving loop that had not yet seen the shutdown).
        let at_shutdown = shared.in_flight_at_shutdown.load(std::sync::atomic::Ordering::SeqCst);
        let in_flight = at_shutdown.max(shared.tracker.count());
        let cut_off = shared.tracker.wait_empty(deadline);
        shared.cut_off();
        if cut_off > 0 {
            log::warn!("drain timeout passed with {cut_off} requests in flight; closing their connections");
            shared.tracker.close_all();
        }
        let threads_left = self.concurrency.drain(deadline.max(Instant::now()) + THREAD_GRACE);
        if threads_left > 0 {
            log::warn!("{threads_left} worker threads still busy after the drain; leaving them");
        }
        let done = DrainReport { in_flight, cut_off, threads_left, elapsed: started.elapsed() };
        log::debug!("drained {}: {done:?}", self.local_addr());
        *report = Some(done);
        done
    }
}

fn request_fd<R: Request>(request: &R) -> Option<std::os::fd::RawFd> {
    request.raw_fd()
}

impl<T, C, H> Drop for Server<T, C, H> {
    fn drop(&mut self) {
        (self.closer)(self)
    }
}

impl<T, C, H> fmt::Debug for Server<T, C, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server").field("local", &self.handle.shared.local).finish_non_exhaustive()
    }
}
