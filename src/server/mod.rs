//! The server, its builder, and handles to it.

mod accept_error;
mod builder;
mod drain_report;
mod proxy_stage;
mod reactor;
mod request_thread;
mod serve_request;
#[allow(clippy::module_inception)]
mod server;
mod shared;
mod tracker;

pub use self::builder::ServerBuilder;
pub use self::drain_report::DrainReport;
pub use self::server::Server;
/// The handles and counters of a server, defined below the request layer
/// (requests carry a [`ServerHandle`]); here for `socketserver::server::*`.
pub use crate::handle::{ServerHandle, ShutdownHandle, Stats};
