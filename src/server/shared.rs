//! State shared by a server, its handles and its requests.

use super::stats::Counters;
use super::tracker::Tracker;
use crate::{Address, ServerConfig};
use crossbeam_channel::{bounded, Receiver, Sender};
use parking_lot::{Condvar, Mutex};
use polling::Poller;
use std::io::Write;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::ThreadId;

#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: ServerConfig,
    pub(crate) local: Address,
    pub(crate) poller: Poller,
    pub(crate) tracker: Tracker,
    pub(crate) counters: Counters,
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
            cancelled,
            cancel: Mutex::new(Some(cancel)),
            shutting_down: AtomicBool::new(false),
            drain_signal: UnixStream::pair()?,
            serving: Mutex::new(None),
            stopped: Condvar::new(),
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

    /// Waits until no thread is serving. From the serving thread itself
    /// (a handler under `SingleThread`) it cannot wait, and returns.
    pub(crate) fn wait_stopped(&self) {
        let mut serving = self.serving.lock();
        while let Some(thread) = *serving {
            if thread == std::thread::current().id() {
                log::warn!("shutdown_and_wait called from the serving thread; not waiting");
                return;
            }
            self.stopped.wait(&mut serving);
        }
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
