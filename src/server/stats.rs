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
    /// Datagrams dropped for being larger than `max_message_size`.
    pub oversized: u64,
    /// Handler runs that ended in a panic.
    pub panics: u64,
    /// Message connections parked now: waiting for bytes without a
    /// thread, because every pool worker was busy.
    pub parked: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) served: AtomicU64,
    pub(crate) rejected: AtomicU64,
    pub(crate) oversized: AtomicU64,
    pub(crate) panics: AtomicU64,
}

impl Counters {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self, active: usize, parked: usize) -> Stats {
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        Stats {
            served: read(&self.served),
            active: active as u64,
            rejected: read(&self.rejected),
            oversized: read(&self.oversized),
            panics: read(&self.panics),
            parked: parked as u64,
        }
    }
}
