//! The attack modes: connections that hold a server's resources without
//! finishing a request (`--slow`) or without reading the answers
//! (`--slow-read`), while the normal clients measure what the server
//! still gives them. Both are bounded: a fixed number of connections, for
//! the length of the run; a connection the server closes is replaced
//! after a short pause.

mod drip;
mod slow;
mod slow_read;
mod stats;

pub use self::drip::Drip;
pub use self::slow::SlowClient;
pub use self::slow_read::SlowReader;
pub use self::stats::AttackStats;

use std::time::Duration;

/// Pause before an attacking connection the server closed is replaced.
pub const REOPEN_PAUSE: Duration = Duration::from_millis(100);
/// Receive buffer asked for on a slow reader, so the server's answers
/// back up after a few kilobytes.
pub const SLOW_READ_BUFFER: usize = 4096;
