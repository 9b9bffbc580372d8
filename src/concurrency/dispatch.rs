//! How a strategy runs the server's reactor.

use super::Overload;

/// How a [`Concurrency`](super::Concurrency) strategy runs the server's
/// connections: with a reactor (connections wait in the poller, threads
/// only run steps) or a thread per connection.
///
/// # Examples
///
/// ```
/// use socketserver::{Concurrency, Dispatch, SingleThread, ThreadPerConnection, ThreadPool};
///
/// assert!(matches!(SingleThread.dispatch(), Dispatch::Serving));
/// assert!(matches!(ThreadPool::new(4).dispatch(), Dispatch::Loops { loops: 4, .. }));
/// assert!(matches!(ThreadPerConnection::new().dispatch(), Dispatch::Blocking));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Dispatch {
    /// No reactor: every accepted connection is a [`Job`](super::Job) for
    /// [`execute`](super::Concurrency::execute) that runs to its end on
    /// one thread, waiting on its own socket. The default, so a user's
    /// own pool plugs in unchanged.
    Blocking,
    /// The serving thread runs the reactor and every step
    /// ([`SingleThread`](super::SingleThread)).
    Serving,
    /// `loops` jobs handed to [`execute`](super::Concurrency::execute)
    /// when serving starts each run the reactor (Leader/Followers: one
    /// waits on the poller, the others run steps) until the server stops
    /// ([`ThreadPool`](super::ThreadPool)). Raw handlers own one of these
    /// threads while they run; at most `queue` accepted raw connections
    /// wait for one, then `overload` applies.
    Loops {
        /// Threads running the reactor.
        loops: usize,
        /// Raw connections that may wait for a thread.
        queue: usize,
        /// What happens to a raw connection past `queue`.
        overload: Overload,
    },
}
