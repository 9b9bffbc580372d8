//! What a server has counted so far.

use super::Durations;

/// A snapshot of a server's counters, from
/// [`ServerHandle::stats`](crate::ServerHandle::stats) or
/// [`Server::stats`](crate::Server::stats).
///
/// Counters only grow; the gauges (`active`, `waiting`, `blocking`,
/// `queued`, `threads`) say how things are now. With the `metrics`
/// feature, `socketserver::metrics::Exposition` writes them in the
/// Prometheus text format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Connections (or datagrams) accepted, whatever became of them.
    pub accepted: u64,
    /// Requests whose handler ran to the end (an error or panic included).
    pub served: u64,
    /// Messages a [`MessageHandler`](crate::MessageHandler) answered,
    /// over every connection and datagram (a message connection counts
    /// once in `served` however many it answers).
    pub messages: u64,
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
    /// Connections closed because a deadline passed (idle, read, write,
    /// linger) and raw handler runs that ended in a socket timeout.
    pub timed_out: u64,
    /// Handler runs that ended in a panic: in `setup`, `handle` or
    /// `finish` (a `finish` that panics after `handle` failed counts,
    /// although `handle_error` is given `handle`'s failure, the cause).
    pub panics: u64,
    /// Connections waiting in the server's poller now (for bytes, for
    /// room to write, or between requests), holding no thread.
    pub waiting: u64,
    /// Threads serving a connection with blocking reads now: raw handlers
    /// in `handle`, and protocols run on a connection's own thread
    /// ([`ThreadPerConnection`](crate::ThreadPerConnection)). Zero under a
    /// reactor strategy serving only message or HTTP connections.
    pub blocking: u64,
    /// Requests waiting for a worker thread now: raw handlers' requests
    /// queued by a [`ThreadPool`](crate::ThreadPool).
    pub queued: u64,
    /// Threads the concurrency strategy runs now (a pool's live workers,
    /// the connection threads of
    /// [`ThreadPerConnection`](crate::ThreadPerConnection)); see
    /// [`Concurrency::threads`](crate::Concurrency::threads).
    pub threads: u64,
    /// Bytes read from clients over stream connections, counted when
    /// each connection closes.
    pub bytes_received: u64,
    /// Bytes written to clients over stream connections (files sent by
    /// `sendfile` included), counted when each connection closes.
    pub bytes_sent: u64,
    /// HTTP responses written whole, by status class: `[1xx, 2xx, 3xx,
    /// 4xx, 5xx]`.
    pub http_responses: [u64; 5],
    /// How long requests took.
    pub durations: Durations,
}
