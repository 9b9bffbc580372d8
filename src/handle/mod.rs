//! What a request and other threads hold of a server: the
//! [`ServerHandle`] each request carries, the [`ShutdownHandle`] for
//! other threads, and the [`Stats`] both read.
//!
//! This level sits below `request`: the handles hold the server as a
//! `ServerState` trait object, which the server implements, so a request
//! names nothing of `server` (as in Python, where the handler is given
//! the server and the socket knows nothing of it). The types are public
//! at the crate root and in [`server`](crate::server).

mod counters;
mod durations;
mod server_handle;
mod server_state;
mod shutdown_handle;
mod stats;

pub(crate) use self::counters::Counters;
pub use self::durations::Durations;
pub use self::server_handle::ServerHandle;
pub(crate) use self::server_state::ServerState;
pub use self::shutdown_handle::ShutdownHandle;
pub use self::stats::Stats;
