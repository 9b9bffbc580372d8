//! Running one request through its handler, with panics contained, and
//! parking it between messages when the strategy asks.

use super::shared::Shared;
use super::stats::Counters;
use crate::request::Request;
use crate::{Connection, Failure, Hooks, Job, RequestHandler, Transport};
use std::any::Any;
use std::io;
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Instant;

/// What every request of a server needs: the handler, the hooks and the
/// server's shared state. One per server, shared by its jobs.
pub(crate) struct Context<T, H> {
    pub(crate) handler: H,
    pub(crate) hooks: Arc<dyn Hooks>,
    pub(crate) shared: Arc<Shared>,
    transport: PhantomData<fn() -> T>,
}

/// A request the tracker admitted. Dropping it, whether its job ran or a
/// strategy dropped the job unrun, releases it from the tracker before its
/// socket closes, so the tracker never holds a closed descriptor.
pub(crate) struct Admitted<R> {
    pub(crate) request: R,
    pub(crate) id: u64,
    pub(crate) shared: Arc<Shared>,
}

impl<R> Drop for Admitted<R> {
    fn drop(&mut self) {
        self.shared.tracker.release(self.id);
    }
}

impl<T: Transport, H: RequestHandler<T>> Context<T, H> {
    pub(crate) fn new(handler: H, hooks: Arc<dyn Hooks>, shared: Arc<Shared>) -> Self {
        Context { handler, hooks, shared, transport: PhantomData }
    }

    /// The job that serves an admitted request.
    pub(crate) fn job(self: &Arc<Self>, admitted: Admitted<T::Request>) -> Job {
        let context = Arc::clone(self);
        Job::new(move |run| context.serve(admitted, run), self.shared.cancelled.clone())
    }

    /// Runs `setup`, `handle`, `finish` with Python's semantics, or `busy`
    /// for a rejected request. Errors and panics go to `handle_error`.
    fn serve(self: Arc<Self>, mut admitted: Admitted<T::Request>, run: bool) {
        let request = &mut admitted.request;
        if !run {
            return self.reject(request);
        }
        if let Err(err) = request.prepare() {
            return self.report(request, Failure::Io(err));
        }
        if let Err(failure) = guarded(|| self.handler.setup(request)) {
            return self.report(request, failure);
        }
        if self.handler.resumable() {
            if let Some(conn) = (request as &mut dyn Any).downcast_mut::<Connection>() {
                conn.allow_park();
            }
        }
        self.handle(admitted)
    }

    /// Runs `handle`; then parks the request if it asked to, or finishes it.
    fn handle(self: Arc<Self>, mut admitted: Admitted<T::Request>) {
        let outcome = guarded(|| self.handler.handle(&mut admitted.request));
        match (outcome, park_deadline(&admitted.request)) {
            (Ok(()), Some(deadline)) => self.park(admitted, deadline),
            (Ok(()), None) => self.finish(admitted),
            (Err(failure), _) => {
                self.report(&admitted.request, failure);
                self.finish(admitted)
            }
        }
    }

    /// Runs `finish` and counts the request served.
    fn finish(&self, mut admitted: Admitted<T::Request>) {
        if let Err(failure) = guarded(|| self.handler.finish(&mut admitted.request)) {
            self.report(&admitted.request, failure);
        }
        Counters::bump(&self.shared.counters.served);
    }

    /// Hands the connection to the parker; it comes back as a job running
    /// `handle` again when bytes arrive or the deadline passes.
    fn park(self: Arc<Self>, admitted: Admitted<T::Request>, deadline: Option<Instant>) {
        let Some(parking) = self.shared.parking.get() else {
            return self.finish(admitted);
        };
        let Some(fd) = admitted.request.raw_fd() else {
            return self.finish(admitted);
        };
        // A resumed job waits for room through a drain, until its deadline
        // (`cut_off`), not only until shutdown begins: its bytes were sent
        // before the shutdown and deserve their replies.
        let (context, cancelled) = (Arc::clone(&self), self.shared.cut_off.clone());
        let resumed = move || Job::new(move |run| context.resume(admitted, run), cancelled);
        // SAFETY: `resumed` owns the connection, so `fd` stays open until
        // the job is built (and beyond).
        if let Err(err) = unsafe { parking.park(fd, deadline, resumed) } {
            log::warn!("cannot park a connection, closing it: {err}");
        }
    }

    /// A parked connection is back: handle on, or, when the strategy
    /// refused it (only once a drain's deadline has passed: resumed jobs
    /// wait for room until then), finish.
    fn resume(self: Arc<Self>, admitted: Admitted<T::Request>, run: bool) {
        if run {
            self.handle(admitted)
        } else {
            self.finish(admitted)
        }
    }

    /// Refuses a request, letting the handler send a busy reply.
    pub(crate) fn reject(&self, request: &mut T::Request) {
        Counters::bump(&self.shared.counters.rejected);
        log::debug!("refused a request from {}: the server is at capacity", request.peer_addr());
        let _ = request.prepare();
        let _ = guarded(|| {
            self.handler.busy(request);
            Ok(())
        });
    }

    fn report(&self, request: &T::Request, failure: Failure) {
        if matches!(failure, Failure::Panic(_)) {
            Counters::bump(&self.shared.counters.panics);
        }
        let peer = request.peer_addr();
        if catch_unwind(AssertUnwindSafe(|| self.hooks.handle_error(peer, &failure))).is_err() {
            log::error!("handle_error panicked while reporting a failure from {peer}: {failure}");
        }
    }
}

/// Whether a request asked to be parked (only a [`Connection`] can), and
/// until when.
fn park_deadline<R: Request>(request: &R) -> Option<Option<Instant>> {
    (request as &dyn Any).downcast_ref::<Connection>().and_then(Connection::park_deadline)
}

/// Runs `f`, turning an error or a panic into a [`Failure`].
pub(crate) fn guarded(f: impl FnOnce() -> io::Result<()>) -> Result<(), Failure> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => Err(Failure::Io(err)),
        Err(payload) => Err(Failure::from_panic(payload)),
    }
}
