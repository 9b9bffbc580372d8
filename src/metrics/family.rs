//! The metric families written from one number of [`Stats`] each.

use crate::Stats;

/// A family of one sample per server: its name, help and type, and the
/// number of [`Stats`] it shows.
pub(super) struct Family {
    pub(super) name: &'static str,
    pub(super) help: &'static str,
    pub(super) kind: &'static str,
    pub(super) value: fn(&Stats) -> u64,
}

const fn counter(name: &'static str, help: &'static str, value: fn(&Stats) -> u64) -> Family {
    Family { name, help, kind: "counter", value }
}

const fn gauge(name: &'static str, help: &'static str, value: fn(&Stats) -> u64) -> Family {
    Family { name, help, kind: "gauge", value }
}

/// Every family but the HTTP responses and the histogram, in the order
/// they are written.
pub(super) const FAMILIES: &[Family] = &[
    counter("socketserver_connections_accepted_total", "Connections (or datagrams) accepted.", |s| {
        s.accepted
    }),
    counter(
        "socketserver_requests_total",
        "Requests whose handler ran to the end: raw handler runs, message and HTTP connections.",
        |s| s.served,
    ),
    counter("socketserver_messages_total", "Messages a message handler answered.", |s| s.messages),
    counter("socketserver_refused_total", "Requests refused by verify_request.", |s| s.refused),
    counter(
        "socketserver_rejected_total",
        "Requests rejected over capacity (max_connections, the overload policy) or during shutdown.",
        |s| s.rejected,
    ),
    counter("socketserver_oversized_total", "Datagrams dropped for exceeding max_message_size.", |s| {
        s.oversized
    }),
    counter("socketserver_timed_out_total", "Connections closed because a deadline passed.", |s| s.timed_out),
    counter("socketserver_panics_total", "Handler runs that ended in a panic.", |s| s.panics),
    counter(
        "socketserver_received_bytes_total",
        "Bytes read from clients, counted as each connection closes.",
        |s| s.bytes_received,
    ),
    counter(
        "socketserver_sent_bytes_total",
        "Bytes written to clients, counted as each connection closes.",
        |s| s.bytes_sent,
    ),
    gauge("socketserver_connections_open", "Connections open now: in flight, queued or waiting.", |s| {
        s.active
    }),
    gauge(
        "socketserver_connections_waiting",
        "Connections waiting in the poller now, holding no thread.",
        |s| s.waiting,
    ),
    gauge("socketserver_blocking_threads", "Threads serving a connection with blocking reads now.", |s| {
        s.blocking
    }),
    gauge("socketserver_queue_length", "Requests waiting for a worker thread now.", |s| s.queued),
    gauge("socketserver_worker_threads", "Threads the concurrency strategy runs now.", |s| s.threads),
];
