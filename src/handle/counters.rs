//! Counters a server keeps while it runs, read as [`Stats`].
//!
//! Every update is one relaxed atomic operation (two for a duration), so
//! that counting costs the hot path next to nothing; the byte counts are
//! kept per connection and added here once, when it closes.

use super::durations::{Durations, BOUNDS_MICROS};
use super::Stats;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) accepted: AtomicU64,
    pub(crate) served: AtomicU64,
    /// Messages a message handler answered.
    pub(crate) messages: AtomicU64,
    pub(crate) rejected: AtomicU64,
    pub(crate) refused: AtomicU64,
    pub(crate) oversized: AtomicU64,
    pub(crate) timed_out: AtomicU64,
    pub(crate) panics: AtomicU64,
    pub(crate) waiting: AtomicU64,
    pub(crate) blocking: AtomicU64,
    /// Raw requests queued for a reactor's worker (a gauge).
    pub(crate) queued: AtomicUsize,
    bytes_received: AtomicU64,
    bytes_sent: AtomicU64,
    /// HTTP responses by status class, 1xx to 5xx.
    responses: [AtomicU64; 5],
    /// Request durations: a count per bucket of [`BOUNDS_MICROS`] (the
    /// last one past every bound), and their sum in microseconds.
    buckets: [AtomicU64; BOUNDS_MICROS.len() + 1],
    sum_micros: AtomicU64,
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

    /// Counts `count` messages answered (one atomic operation for all
    /// of a step's).
    pub(crate) fn add_messages(&self, count: u64) {
        if count > 0 {
            self.messages.fetch_add(count, Ordering::Relaxed);
        }
    }

    /// Adds the bytes a closed connection received and sent.
    pub(crate) fn add_bytes(&self, received: u64, sent: u64) {
        self.bytes_received.fetch_add(received, Ordering::Relaxed);
        self.bytes_sent.fetch_add(sent, Ordering::Relaxed);
    }

    /// Counts an HTTP response of `status` that took `took`.
    #[cfg(feature = "http")]
    pub(crate) fn http_response(&self, status: u16, took: Duration) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.responses[class].fetch_add(1, Ordering::Relaxed);
        self.request_took(took);
    }

    /// Counts a request that took `took` in the duration histogram.
    pub(crate) fn request_took(&self, took: Duration) {
        // Not `as_micros`, whose `u128` arithmetic costs more than the rest.
        let micros = took.as_secs().saturating_mul(1_000_000).saturating_add(u64::from(took.subsec_micros()));
        let bucket = BOUNDS_MICROS.iter().position(|&bound| micros <= bound).unwrap_or(BOUNDS_MICROS.len());
        self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// The counters now, with the gauges the server reads elsewhere:
    /// requests in flight and the strategy's threads.
    pub(crate) fn snapshot(&self, active: usize, threads: usize) -> Stats {
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        Stats {
            accepted: read(&self.accepted),
            served: read(&self.served),
            messages: read(&self.messages),
            active: active as u64,
            rejected: read(&self.rejected),
            refused: read(&self.refused),
            oversized: read(&self.oversized),
            timed_out: read(&self.timed_out),
            panics: read(&self.panics),
            waiting: read(&self.waiting),
            blocking: read(&self.blocking),
            queued: self.queued.load(Ordering::Relaxed) as u64,
            threads: threads as u64,
            bytes_received: read(&self.bytes_received),
            bytes_sent: read(&self.bytes_sent),
            http_responses: std::array::from_fn(|class| read(&self.responses[class])),
            durations: Durations::new(
                std::array::from_fn(|i| read(&self.buckets[i])),
                read(&self.sum_micros),
            ),
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
