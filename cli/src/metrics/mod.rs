//! `serve --metrics HOST:PORT`: the server's counters in the Prometheus
//! text format at `/metrics`, on a listener of its own (never the served
//! port), served by the crate's HTTP layer on one thread.
//!
//! Under `--processes N` each child serves its own metrics, labelled
//! `child="K"` (its slot, 1 to N, kept across restarts), on a Unix socket
//! in a directory only the supervisor's user can enter; the supervisor's
//! endpoint scrapes every child when it is scraped and writes one
//! exposition holding each child's samples ([`merge`]). The series are
//! per child, not summed: `sum without (child) (...)` in PromQL adds
//! them up, and a restarted child's counters start again from zero as
//! Prometheus's `rate()` expects. A child that does not answer (starting,
//! restarting) is left out of that scrape.

mod child_socket;
mod endpoint;
mod merge;
mod scrape;
mod server_metrics;
mod supervisor_metrics;

pub use self::child_socket::{ChildSocket, CHILD_VAR};
pub use self::endpoint::Endpoint;
pub use self::merge::merge;
pub use self::scrape::scrape;
pub use self::server_metrics::start_for;
pub use self::supervisor_metrics::SupervisorMetrics;
