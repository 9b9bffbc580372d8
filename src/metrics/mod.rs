//! A server's [`Stats`](crate::Stats) in the Prometheus text exposition
//! format, for a `/metrics` endpoint (feature `metrics`).
//!
//! [`Exposition`] writes the counters, gauges and the request-duration
//! histogram of one server or of several (each told apart by its
//! labels); [`CONTENT_TYPE`] is the `Content-Type` to serve them with.
//! The format is written by hand (it is a few lines per metric, and
//! `promtool check metrics` accepts it), so the feature brings no crate.
//!
//! | Metric | Type | From |
//! |---|---|---|
//! | `socketserver_connections_accepted_total` | counter | [`Stats::accepted`](crate::Stats::accepted) |
//! | `socketserver_requests_total` | counter | [`Stats::served`](crate::Stats::served) |
//! | `socketserver_messages_total` | counter | [`Stats::messages`](crate::Stats::messages) |
//! | `socketserver_http_responses_total{code="2xx"}` | counter | [`Stats::http_responses`](crate::Stats::http_responses) |
//! | `socketserver_refused_total` | counter | [`Stats::refused`](crate::Stats::refused) |
//! | `socketserver_rejected_total` | counter | [`Stats::rejected`](crate::Stats::rejected) |
//! | `socketserver_oversized_total` | counter | [`Stats::oversized`](crate::Stats::oversized) |
//! | `socketserver_timed_out_total` | counter | [`Stats::timed_out`](crate::Stats::timed_out) |
//! | `socketserver_panics_total` | counter | [`Stats::panics`](crate::Stats::panics) |
//! | `socketserver_received_bytes_total` | counter | [`Stats::bytes_received`](crate::Stats::bytes_received) |
//! | `socketserver_sent_bytes_total` | counter | [`Stats::bytes_sent`](crate::Stats::bytes_sent) |
//! | `socketserver_connections_open` | gauge | [`Stats::active`](crate::Stats::active) |
//! | `socketserver_connections_waiting` | gauge | [`Stats::waiting`](crate::Stats::waiting) |
//! | `socketserver_blocking_threads` | gauge | [`Stats::blocking`](crate::Stats::blocking) |
//! | `socketserver_queue_length` | gauge | [`Stats::queued`](crate::Stats::queued) |
//! | `socketserver_worker_threads` | gauge | [`Stats::threads`](crate::Stats::threads) |
//! | `socketserver_request_duration_seconds` | histogram | [`Stats::durations`](crate::Stats::durations) |
//!
//! # Examples
//!
//! A `/metrics` endpoint for a server, itself served by the crate's HTTP
//! layer (features `metrics` and `http`) on a listener of its own:
//!
//! ```
//! # #[cfg(feature = "http")] {
//! use socketserver::http::{Http, HttpRequest, HttpResponse};
//! use socketserver::metrics::{Exposition, CONTENT_TYPE};
//! use socketserver::{Server, Tcp};
//!
//! # struct Quiet;
//! # impl socketserver::RequestHandler<socketserver::Connection> for Quiet {
//! #     fn handle(&self, _: &mut socketserver::Connection) -> std::io::Result<()> { Ok(()) }
//! # }
//! let server = Server::builder(Quiet).bind::<Tcp>("127.0.0.1:0")?;
//! let handle = server.handle().clone();
//! let metrics = Http::new(move |_: &HttpRequest| {
//!     let text = Exposition::new().add(&[("handler", "quiet")], &handle.stats()).render();
//!     HttpResponse::new(200).header("Content-Type", CONTENT_TYPE).map(|r| r.body(text))
//! });
//! let endpoint = Server::builder(metrics).bind::<Tcp>("127.0.0.1:0")?;
//! # let text = Exposition::new().add(&[("handler", "quiet")], &server.stats()).render();
//! # assert!(text.contains("socketserver_connections_accepted_total{handler=\"quiet\"} 0\n"));
//! // serve both: server.serve_forever() and endpoint.serve_forever(), each on its thread
//! # drop(endpoint);
//! # }
//! # Ok::<(), std::io::Error>(())
//! ```

mod exposition;
mod family;

pub use self::exposition::Exposition;

/// The `Content-Type` of the text exposition format, version 0.0.4.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";
