//! What a connection needs to give its thread back: the strategy's view of
//! saturation, and a way back in.

use super::parker::{Parker, Wake};
use crate::{Concurrency, Job};
use std::io;
use std::os::fd::RawFd;
use std::sync::Arc;
use std::time::Instant;

/// The server's parking arrangement: whether its strategy parks idle
/// connections, whether it is saturated now, and how a parked connection
/// is handed back to it.
pub(crate) struct Parking {
    parker: Parker,
    parks: bool,
    saturated: Box<dyn Fn() -> bool + Send + Sync>,
    resume: Arc<dyn Fn(Job) + Send + Sync>,
}

impl Parking {
    pub(crate) fn new<C: Concurrency>(concurrency: &Arc<C>) -> io::Result<Parking> {
        let (for_saturated, for_resume) = (Arc::clone(concurrency), Arc::clone(concurrency));
        Ok(Parking {
            parker: Parker::new()?,
            parks: concurrency.parks_idle(),
            saturated: Box::new(move || for_saturated.saturated()),
            resume: Arc::new(move |job| for_resume.resume(job)),
        })
    }

    /// Whether this server's connections ever park.
    pub(crate) fn parks(&self) -> bool {
        self.parks
    }

    /// Whether a connection waiting for bytes should park now.
    pub(crate) fn should_park(&self) -> bool {
        self.parks && (self.saturated)()
    }

    /// Parks the connection on `fd`; when it is readable or `deadline`
    /// passes, `job` (built then) is handed back to the strategy.
    ///
    /// # Safety
    ///
    /// `fd` must stay open while `job` is not yet built: `make_job` owns
    /// the connection.
    pub(crate) unsafe fn park(
        &self,
        fd: RawFd,
        deadline: Option<Instant>,
        make_job: impl FnOnce() -> Job + Send + 'static,
    ) -> io::Result<()> {
        let resume = Arc::clone(&self.resume);
        let wake: Wake = Box::new(move || resume(make_job()));
        // SAFETY: passed on from our caller.
        unsafe { self.parker.park(fd, deadline, wake) }
    }

    /// Connections parked now.
    pub(crate) fn parked(&self) -> usize {
        self.parker.len()
    }

    /// Stops the parking thread, closing what is still parked.
    pub(crate) fn stop(&self) {
        self.parker.stop()
    }
}

impl std::fmt::Debug for Parking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parking")
            .field("parks", &self.parks)
            .field("parker", &self.parker)
            .finish_non_exhaustive()
    }
}
