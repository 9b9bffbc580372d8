//! Running one request through its handler, with panics contained.

use super::shared::Shared;
use crate::handle::Counters;
use crate::protocol::{drive, DrainSignal, Protocol, Wait, Wake};
use crate::request::Request;
use crate::{Failure, Hooks, Job, RequestHandler, ServerHandle, Transport};
use std::io;
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Instant;

/// What every request of a server needs: the handler, the hooks and the
/// server's shared state. One per server, shared by its jobs.
pub(crate) struct Context<T, H> {
    pub(crate) handler: Arc<H>,
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

impl<T: Transport, H: RequestHandler<T::Request>> Context<T, H> {
    pub(crate) fn new(handler: H, hooks: Arc<dyn Hooks>, shared: Arc<Shared>) -> Self {
        Context { handler: Arc::new(handler), hooks, shared, transport: PhantomData }
    }

    /// The handle each request of this server carries.
    pub(crate) fn server_handle(&self) -> ServerHandle {
        ServerHandle::new(self.shared.clone())
    }

    /// The job that serves an admitted request on a strategy's thread:
    /// the raw handler, or the protocol with blocking waits.
    pub(crate) fn job(
        self: &Arc<Self>,
        admitted: Admitted<T::Request>,
        protocol: Option<Box<dyn Protocol<T::Request>>>,
    ) -> Job {
        let context = Arc::clone(self);
        let work = move |run: bool| match (run, protocol) {
            (true, Some(protocol)) => context.serve_blocking(admitted, protocol),
            (run, _) => context.serve(admitted, run),
        };
        Job::new(work, self.shared.cancelled.clone())
    }

    /// Runs `setup`, `handle`, `finish` with Python's semantics, or `busy`
    /// for a rejected request. Errors and panics go to `handle_error`.
    /// The calling thread counts as running a request of this server
    /// meanwhile (`shutdown_and_wait` does not wait on it).
    pub(crate) fn serve(self: Arc<Self>, mut admitted: Admitted<T::Request>, run: bool) {
        let _running = self.shared.enter_request();
        let request = &mut admitted.request;
        if !run {
            return self.reject(request);
        }
        if !self.take_header_blocking(request) {
            return;
        }
        if let Err(err) = request.prepare() {
            return self.report(request, Failure::Io(err));
        }
        if let Err(failure) = self.set_up(request) {
            return self.report(request, failure);
        }
        let began = Instant::now();
        let handled = {
            let _blocking = self.shared.counters.enter_blocking();
            guarded(|| self.handler.handle(&mut admitted.request))
        };
        self.finish_after(admitted, handled.err());
        self.shared.counters.request_took(began.elapsed());
    }

    /// Runs a protocol on the calling thread, its waits blocking on the
    /// socket, between `setup` and `finish`; the thread counts as running
    /// a request of this server meanwhile, as in [`serve`](Self::serve).
    pub(crate) fn serve_blocking(
        self: Arc<Self>,
        mut admitted: Admitted<T::Request>,
        mut protocol: Box<dyn Protocol<T::Request>>,
    ) {
        let _running = self.shared.enter_request();
        if !self.take_header_blocking(&mut admitted.request) {
            return;
        }
        if let Err(failure) = self.set_up(&mut admitted.request) {
            return self.report(&admitted.request, failure);
        }
        let shared = &self.shared;
        let mut counted = None;
        let stepped = {
            let _blocking = shared.counters.enter_blocking();
            let began = || shared.is_shutting_down();
            let drain = DrainSignal { fd: shared.drain_fd(), began: &began };
            guarded(|| {
                counted = drive(&mut admitted.request, Some(drain), |request, wake| {
                    let wait = protocol.step(request, wake);
                    if wake == Wake::TimedOut && wait == Wait::Close {
                        Counters::bump(&shared.counters.timed_out);
                    }
                    wait
                });
                Ok(())
            })
        };
        if let Some(counted) = counted {
            shared.tracker.decide(admitted.id, counted);
        }
        self.finish_after(admitted, stepped.err())
    }

    /// Runs `setup`.
    pub(crate) fn set_up(&self, request: &mut T::Request) -> Result<(), Failure> {
        guarded(|| self.handler.setup(request))
    }

    /// Runs `finish`, then reports one failure, as Python does (its
    /// `handle_error` runs after `finish`, once): `handle`'s failure if it
    /// had one, the cause of whatever followed, else `finish`'s. When
    /// both failed, `finish`'s is logged rather than reported a second
    /// time. Counts the request served.
    pub(crate) fn finish_after(&self, mut admitted: Admitted<T::Request>, handled: Option<Failure>) {
        let finished = guarded(|| self.handler.finish(&mut admitted.request)).err();
        match (handled, finished) {
            (Some(failure), Some(also)) => {
                // `handle_error` gets the cause; a panic in `finish` still
                // counts as one.
                if matches!(also, Failure::Panic(_)) {
                    Counters::bump(&self.shared.counters.panics);
                }
                self.report(&admitted.request, failure);
                log::error!("finish also failed for {}: {also}", admitted.request.peer_addr());
            }
            (Some(failure), None) | (None, Some(failure)) => self.report(&admitted.request, failure),
            (None, None) => {}
        }
        Counters::bump(&self.shared.counters.served);
    }

    /// Refuses a request, letting the handler send a busy reply.
    pub(crate) fn reject(&self, request: &mut T::Request) {
        Counters::bump(&self.shared.counters.rejected);
        log::debug!("refused a request from {}: the server is at capacity", request.peer_addr());
        let _ = request.prepare();
        // The reply is written without waiting: a client that does not take
        // it at once (a TLS client whose handshake is not done) gets none,
        // and the accepting thread is not held.
        let _ = request.set_nonblocking(true);
        let _ = guarded(|| {
            self.handler.busy(request);
            Ok(())
        });
    }

    /// Drops a datagram over the size limit, letting the handler answer.
    pub(crate) fn drop_oversized(&self, mut request: T::Request) {
        Counters::bump(&self.shared.counters.oversized);
        log::warn!(
            "dropped a datagram from {} longer than max_message_size ({} bytes)",
            request.peer_addr(),
            self.shared.config.max_message_size
        );
        let _ = guarded(|| {
            self.handler.oversized(&mut request);
            Ok(())
        });
    }

    pub(crate) fn report(&self, request: &T::Request, failure: Failure) {
        match &failure {
            Failure::Panic(_) => Counters::bump(&self.shared.counters.panics),
            Failure::Io(err) if matches!(err.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock) => {
                Counters::bump(&self.shared.counters.timed_out)
            }
            _ => {}
        }
        let peer = request.peer_addr();
        if catch_unwind(AssertUnwindSafe(|| self.hooks.handle_error(peer, &failure))).is_err() {
            log::error!("handle_error panicked while reporting a failure from {peer}: {failure}");
        }
    }
}

/// Runs `f`, turning an error or a panic into a [`Failure`].
pub(crate) fn guarded(f: impl FnOnce() -> io::Result<()>) -> Result<(), Failure> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => Err(Failure::Io(err)),
        Err(payload) => Err(Failure::from_panic(payload)),
    }
}
