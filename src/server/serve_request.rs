//! Running one request through its handler, with panics contained.

use super::shared::Shared;
use super::stats::Counters;
use crate::request::Request;
use crate::{Failure, Hooks, RequestHandler, Transport};
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `setup`, `handle`, `finish` with Python's semantics, or `busy` for
/// a rejected request. Errors and panics go to `handle_error`.
pub(crate) fn serve<T: Transport, H: RequestHandler<T>>(
    handler: &H,
    hooks: &dyn Hooks,
    shared: &Shared,
    request: &mut T::Request,
    run: bool,
) {
    if !run {
        return reject(handler, shared, request);
    }
    if let Err(err) = request.prepare() {
        return report(hooks, shared, request, Failure::Io(err));
    }
    if let Err(failure) = guarded(|| handler.setup(request)) {
        return report(hooks, shared, request, failure);
    }
    if let Err(failure) = guarded(|| handler.handle(request)) {
        report(hooks, shared, request, failure);
    }
    if let Err(failure) = guarded(|| handler.finish(request)) {
        report(hooks, shared, request, failure);
    }
    Counters::bump(&shared.counters.served);
}

/// Refuses a request, letting the handler send a busy reply.
pub(crate) fn reject<T: Transport, H: RequestHandler<T>>(
    handler: &H,
    shared: &Shared,
    request: &mut T::Request,
) {
    Counters::bump(&shared.counters.rejected);
    log::debug!("refused a request from {}: the server is at capacity", request.peer_addr());
    let _ = request.prepare();
    let _ = guarded(|| {
        handler.busy(request);
        Ok(())
    });
}

/// Runs `f`, turning an error or a panic into a [`Failure`].
pub(crate) fn guarded(f: impl FnOnce() -> io::Result<()>) -> Result<(), Failure> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => Err(Failure::Io(err)),
        Err(payload) => Err(Failure::from_panic(payload)),
    }
}

fn report(hooks: &dyn Hooks, shared: &Shared, request: &dyn Request, failure: Failure) {
    if matches!(failure, Failure::Panic(_)) {
        Counters::bump(&shared.counters.panics);
    }
    let peer = request.peer_addr();
    if catch_unwind(AssertUnwindSafe(|| hooks.handle_error(peer, &failure))).is_err() {
        log::error!("handle_error panicked while reporting a failure from {peer}: {failure}");
    }
}
