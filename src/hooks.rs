//! Server hooks: Python's `verify_request`, `handle_error`, `handle_timeout`
//! and `service_actions`.

use crate::{Address, Failure};

/// Points where a server calls back into user code, outside any one
/// handler: the methods Python's `BaseServer` lets a subclass override.
///
/// Every method has a default, so an implementation overrides only what it
/// needs. Install with [`ServerBuilder::hooks`](crate::ServerBuilder::hooks).
///
/// # Examples
///
/// ```
/// use socketserver::{Address, Hooks};
///
/// /// Serves loopback clients only.
/// struct LoopbackOnly;
///
/// impl Hooks for LoopbackOnly {
///     fn verify_request(&self, peer: &Address) -> bool {
///         peer.as_inet().is_none_or(|addr| addr.ip().is_loopback())
///     }
/// }
/// ```
pub trait Hooks: Send + Sync + 'static {
    /// Decides whether to serve a peer; `false` closes the connection (or
    /// drops the datagram) before any handler runs, and counts it in
    /// [`Stats::refused`](crate::Stats::refused). Default: `true`.
    fn verify_request(&self, _peer: &Address) -> bool {
        true
    }

    /// Called when a handler's `setup`, `handle` or `finish` returns an
    /// error or panics: after `finish` has run, and once per request, as
    /// in Python. When both `handle` and `finish` fail, it gets `handle`'s
    /// failure, the cause of the rest, and `finish`'s is logged at
    /// `error` (Python passes `finish`'s exception, with `handle`'s
    /// chained to it; a Rust error has no such chain). The default logs a
    /// client fault (reset, timeout) at `debug`, another error at `warn`,
    /// and a panic at `error`, each with the peer address.
    fn handle_error(&self, peer: &Address, failure: &Failure) {
        log_failure(peer, failure);
    }

    /// Called when [`Server::handle_request`](crate::Server::handle_request)
    /// waited its whole timeout without a request. Default: nothing.
    fn handle_timeout(&self) {}

    /// Called once per turn of the serving loop, after the requests that
    /// woke it were dispatched. Default: nothing.
    fn service_actions(&self) {}
}

/// The hooks a server has unless given others: every default of [`Hooks`].
#[derive(Clone, Copy, Debug, Default)]
pub struct DefaultHooks;

impl Hooks for DefaultHooks {}

/// Logs a failed request at the level its cause deserves.
pub fn log_failure(peer: &Address, failure: &Failure) {
    match failure {
        Failure::Panic(_) => log::error!("request from {peer}: {failure}"),
        _ if failure.is_client_fault() => log::debug!("request from {peer}: {failure}"),
        _ => log::warn!("request from {peer}: {failure}"),
    }
}
