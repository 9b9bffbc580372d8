//! Counters a server keeps while it runs, read as [`Stats`].

use crate::handle::Stats;
use std::sync::atomic::{AtomicU64, Ordering};

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
