//! What a drain achieved.

use std::time::Duration;

/// What happened when a server drained: how many requests were in flight,
/// how many finished, how many were cut off at the deadline.
///
/// Returned by [`Server::serve_forever`](crate::Server::serve_forever) and
/// [`Server::close`](crate::Server::close).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DrainReport {
    /// Requests in flight (running or queued) when the drain began.
    pub in_flight: usize,
    /// Requests still running at the deadline, whose connections were then
    /// closed.
    pub cut_off: usize,
    /// Worker threads still busy after the deadline and a short grace,
    /// left to finish on their own.
    pub threads_left: usize,
    /// How long the drain took.
    pub elapsed: Duration,
}

impl DrainReport {
    /// Requests that finished on their own during the drain.
    pub fn completed(&self) -> usize {
        self.in_flight.saturating_sub(self.cut_off)
    }
}
