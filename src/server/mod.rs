//! The server, its builder, and handles to it.

mod accept_error;
mod builder;
mod drain_report;
mod handle;
mod proxy_stage;
mod reactor;
mod request_thread;
mod serve_request;
#[allow(clippy::module_inception)]
mod server;
mod shared;
mod stats;
mod table;
mod timers;
mod tracker;

pub use self::builder::ServerBuilder;
pub use self::drain_report::DrainReport;
pub use self::handle::{ServerHandle, ShutdownHandle};
pub use self::server::Server;
pub use self::stats::Stats;
