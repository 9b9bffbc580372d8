//! State shared by a server, its handles and its requests.

use super::request_thread::RunningRequests;
use super::tracker::Tracker;
use crate::handle::Counters;
use crate::handle::{ServerState, Stats};
use crate::{Address, Concurrency, ServerConfig};
use crossbeam_channel::{bounded, Receiver, Sender};
use parking_lot::{Condvar, Mutex};
use polling::Poller;
use std::io::Write;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::ThreadId;

#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: ServerConfig,
    pub(crate) local: Address,
    pub(crate) poller: Poller,
    pub(crate) tracker: Tracker,
    pub(crate) counters: Counters,
    /// The strategy, set once the server is assembled, for its gauges.
    pub(crate) concurrency: Strategy,
    /// Disconnected when shutdown begins: strategies blocked on a full
    /// queue select on it.
    pub(crate) cancelled: Receiver<()>,
    cancel: Mutex<Option<Sender<()>>>,
    shutting_down: AtomicBool,
    /// Readable from the moment shutdown begins (a byte is written to
    /// the other end and never read): the connections that protocols
    /// drive on their own threads wait on it between requests.
    drain_signal: (UnixStream, UnixStream),
    serving: Mutex<Option<ThreadId>>,
    stopped: Condvar,
    /// `shutdown_and_wait` was called from a thread the drain waits for
    /// (and did not wait), and this was logged.
    self_wait_logged: AtomicBool,
    /// Where the serving thread waits while it has nothing to do.
    serving_gate: Mutex<()>,
    serving_wake: Condvar,
}

impl Shared {
    pub(crate) fn new(config: ServerConfig, local: Address) -> std::io::Result<Shared> {
        let (cancel, cancelled) = bounded(0);
        Ok(Shared {
            config,
            local,
            poller: Poller::new()?,
            tracker: Tracker::default(),
            counters: Counters::default(),
            concurrency: Strategy::default(),
            cancelled,
            cancel: Mutex::new(Some(cancel)),
            shutting_down: AtomicBool::new(false),
            drain_signal: UnixStream::pair()?,
            serving: Mutex::new(None),
            stopped: Condvar::new(),
            self_wait_logged: AtomicBool::new(false),
            serving_gate: Mutex::new(()),
            serving_wake: Condvar::new(),
        })
    }

    /// Asks the serving loop to stop and wakes it; returns at once.
    ///
    /// The read side of every open connection ends now, not when the loop
    /// gets round to draining: a request served on the serving thread
    /// itself (`SingleThread`) would otherwise keep the loop from ever
    /// seeing the shutdown until its client left.
    pub(crate) fn begin_shutdown(&self) {
        if !self.shutting_down.swap(true, Ordering::SeqCst) {
            self.cancel.lock().take();
            self.tracker.close_reads();
            if let Err(err) = (&self.drain_signal.0).write_all(&[1]) {
                log::error!("cannot signal the drain to connections on their own threads: {err}");
            }
            if let Err(err) = self.poller.notify() {
                log::error!("cannot wake the serving loop: {err}");
            }
            self.wake_serving();
        }
    }

    /// Wakes the serving thread if it waits in [`wait_serving`](Self::wait_serving).
    pub(crate) fn wake_serving(&self) {
        let _gate = self.serving_gate.lock();
        self.serving_wake.notify_all();
    }

    /// Waits while `idle` holds and the server is not shutting down.
    pub(crate) fn wait_serving(&self, idle: impl Fn() -> bool) {
        let mut gate = self.serving_gate.lock();
        while idle() && !self.is_shutting_down() {
            self.serving_wake.wait(&mut gate);
        }
    }

    /// Waits for `timeout`, or less if woken.
    pub(crate) fn wait_serving_for(&self, timeout: std::time::Duration) {
        let mut gate = self.serving_gate.lock();
        self.serving_wake.wait_for(&mut gate, timeout);
    }

    /// The descriptor that becomes readable when shutdown begins.
    pub(crate) fn drain_fd(&self) -> RawFd {
        self.drain_signal.1.as_raw_fd()
    }

    pub(crate) fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }

    /// Marks the calling thread as the one serving, until the guard drops.
    pub(crate) fn enter_serving(&self) -> ServingGuard<'_> {
        *self.serving.lock() = Some(std::thread::current().id());
        ServingGuard { shared: self }
    }

    /// Marks the calling thread as running requests of this server until
    /// the guard drops; see [`wait_stopped`](Self::wait_stopped).
    pub(crate) fn enter_request(&self) -> RunningRequests {
        RunningRequests::enter(self)
    }

    /// Waits until no thread is serving. A thread the drain waits for
    /// cannot wait for the drain: the serving thread itself (a handler
    /// under `SingleThread`) and any thread running a request of this
    /// server (a handler, a protocol step, `setup` or `finish`, on any
    /// strategy's thread). From those it returns at once, logging a
    /// warning the first time.
    pub(crate) fn wait_stopped(&self) {
        if RunningRequests::on_this_thread(self) {
            return self.log_self_wait("a thread running one of its requests");
        }
        let mut serving = self.serving.lock();
        while let Some(thread) = *serving {
            if thread == std::thread::current().id() {
                return self.log_self_wait("the serving thread");
            }
            self.stopped.wait(&mut serving);
        }
    }

    fn log_self_wait(&self, thread: &str) {
        if !self.self_wait_logged.swap(true, Ordering::Relaxed) {
            log::warn!(
                "shutdown_and_wait called from {thread} of the server on {}: the shutdown has begun, \
                 but the drain waits for this thread, so it does not wait for the drain",
                self.local
            );
        }
    }
}

/// What the server's handles see of it.
impl ServerState for Shared {
    fn config(&self) -> &ServerConfig {
        &self.config
    }

    fn local_addr(&self) -> &Address {
        &self.local
    }

    fn stats(&self) -> Stats {
        let threads = self.concurrency.0.get().map_or(0, |strategy| strategy.threads());
        self.counters.snapshot(self.tracker.count(), threads)
    }

    fn counters(&self) -> &Counters {
        &self.counters
    }

    fn begin_shutdown(&self) {
        Shared::begin_shutdown(self)
    }

    fn is_shutting_down(&self) -> bool {
        Shared::is_shutting_down(self)
    }

    fn wait_stopped(&self) {
        Shared::wait_stopped(self)
    }
}

pub(crate) struct ServingGuard<'a> {
    shared: &'a Shared,
}

impl Drop for ServingGuard<'_> {
    fn drop(&mut self) {
        *self.shared.serving.lock() = None;
        self.shared.stopped.notify_all();
    }
}

/// The server's strategy, set once it is assembled.
#[derive(Default)]
pub(crate) struct Strategy(pub(crate) OnceLock<Arc<dyn Concurrency>>);

impl std::fmt::Debug for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.get().map_or_else(|| "unset".to_string(), |strategy| strategy.describe()))
    }
}
