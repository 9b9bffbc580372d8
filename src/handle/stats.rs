//! What a server has counted so far.

/// A snapshot of a server's counters, from
/// [`ServerHandle::stats`](crate::ServerHandle::stats).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Requests whose handler ran to the end (an error or panic included).
    pub served: u64,
    /// Requests in flight now: running or queued.
    pub active: u64,
    /// Requests refused: at `max_connections`, by the overload policy, or
    /// during shutdown.
    pub rejected: u64,
    /// Requests that [`Hooks::verify_request`](crate::Hooks::verify_request)
    /// refused.
    pub refused: u64,
    /// Datagrams dropped for being larger than `max_message_size`.
    pub oversized: u64,
    /// Handler runs that ended in a panic.
    pub panics: u64,
    /// Connections waiting in the server's poller now (for bytes, for
    /// room to write, or between requests), holding no thread.
    pub waiting: u64,
    /// Threads serving a connection with blocking reads now: raw handlers
    /// in `handle`, and protocols run on a connection's own thread
    /// ([`ThreadPerConnection`](crate::ThreadPerConnection)). Zero under a
    /// reactor strategy serving only message or HTTP connections.
    pub blocking: u64,
}
