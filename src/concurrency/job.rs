//! One unit of work handed to a concurrency strategy.

use crossbeam_channel::Receiver;
use std::fmt;

/// A request ready to be served, as a [`Concurrency`](super::Concurrency)
/// sees it: run it somewhere, or reject it.
///
/// A job never panics out of [`run`](Job::run): the server catches handler
/// panics inside it. A job that is dropped without running or rejecting
/// closes its connection.
pub struct Job {
    work: Box<dyn FnOnce(bool) + Send>,
    cancel: Receiver<()>,
}

impl Job {
    pub(crate) fn new(work: impl FnOnce(bool) + Send + 'static, cancel: Receiver<()>) -> Job {
        Job { work: Box::new(work), cancel }
    }

    /// Serves the request on the calling thread.
    pub fn run(self) {
        (self.work)(true)
    }

    /// Refuses the request: the handler may send a short busy reply, then
    /// the connection closes.
    pub fn reject(self) {
        (self.work)(false)
    }

    /// A channel that becomes ready (disconnected) when the job should no
    /// longer wait for capacity: when the server starts shutting down. A
    /// strategy that blocks waiting for capacity selects on it, so
    /// shutdown is never stuck behind a full queue.
    pub fn cancelled(&self) -> &Receiver<()> {
        &self.cancel
    }
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job").finish_non_exhaustive()
    }
}
