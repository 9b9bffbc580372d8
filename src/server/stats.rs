//! Counters a server keeps while it runs.

use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of a server's counters, from
/// [`ServerHandle::stats`](crate::ServerHandle::stats).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Requests whose handler ran to the end (an error or panic included).
    pub served: u64,
    /// Requests in flight now: running or queued.
    pub active: u64,
    /// Requests refused: at `max_connections`, by the overload policy, or
    /// during shutdown.
    pub rejected: u64,
    /// Requests that [`Hooks::verify_request`](crate::Hooks::verify_request)
    /// refused.
    pub refused: u64,
    /// Datagrams dropped for being larger than `max_message_size`.
    pub oversized: u64,
    /// Handler runs that ended in a panic.
    pub panics: u64,
    /// Connections waiting in the server's poller now (for bytes, for
    /// room to write, or between requests), holding no thread.
    pub waiting: u64,
    /// Threads serving a connection with blocking reads now: raw handlers
    /// in `handle`, and protocols run on a connection's own thread
    /// ([`ThreadPerConnection`](crate::ThreadPerConnection)). Zero under a
    /// reactor strategy serving only message or HTTP connections.
    pub blocking: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) served: AtomicU64,
    pub(crate) rejected: AtomicU64,
    pub(crate) refused: AtomicU64,
    pub(crate) oversized: AtomicU64,
    pub(crate) panics: AtomicU64,
    pub(crate) waiting: AtomicU64,
    pub(crate) blocking: AtomicU64,
}

impl Counters {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts the calling thread as serving a connection with blocking
    /// reads until the guard drops.
    pub(crate) fn enter_blocking(&self) -> Blocking<'_> {
        self.blocking.fetch_add(1, Ordering::Relaxed);
        Blocking(&self.blocking)
    }

    pub(crate) fn snapshot(&self, active: usize) -> Stats {
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        Stats {
            served: read(&self.served),
            active: active as u64,
            rejected: read(&self.rejected),
            refused: read(&self.refused),
            oversized: read(&self.oversized),
            panics: read(&self.panics),
            waiting: read(&self.waiting),
            blocking: read(&self.blocking),
        }
    }
}

/// A thread counted in [`Stats::blocking`] until dropped.
pub(crate) struct Blocking<'a>(&'a AtomicU64);

impl Drop for Blocking<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}
