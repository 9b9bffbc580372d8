//! The attack modes: connections that hold a server's resources without
//! finishing a request (`--slow`) or without reading the answers
//! (`--slow-read`), or that bury it in pipelined requests they never read
//! the answers to, reconnecting to do it again (`--pipeline-flood`), while
//! the normal clients measure what the server still gives them. All are
//! bounded: a fixed number of connections, for the length of the run; a
//! connection the server closes is replaced after a short pause.

mod drip;
mod flood;
mod slow;
mod slow_read;
mod stats;

pub use self::drip::Drip;
pub use self::flood::{FloodBlock, PipelineFlooder};
pub use self::slow::SlowClient;
pub use self::slow_read::SlowReader;
pub use self::stats::AttackStats;

use std::time::Duration;

/// Pause before an attacking connection the server closed is replaced.
pub const REOPEN_PAUSE: Duration = Duration::from_millis(100);
/// Receive buffer asked for on a slow reader, so the server's answers
/// back up after a few kilobytes.
pub const SLOW_READ_BUFFER: usize = 4096;
/// Send buffer asked for on a flooding connection. The attack is the
/// server's: what it reads, parses and answers before its writes block.
/// Requests queued on the attacker's side are only thrown away at the next
/// rotation (the kernel would give a loopback socket megabytes), and
/// copying them would take the load generator's core from the clients it
/// measures.
pub const FLOOD_SEND_BUFFER: usize = 64 * 1024;
/// Bytes of whole pipelined requests a flooding connection writes from,
/// round and round, so one `write` carries hundreds of requests.
pub const FLOOD_BLOCK: usize = 16 * 1024;
/// Most bytes a flooding connection writes in one turn before the other
/// connections of its thread get theirs.
pub const FLOOD_TURN: usize = 64 * 1024;
/// Most bytes all the flooding connections of a thread write between two
/// looks at the poller, so the normal clients' answers are taken at once
/// (a millisecond or so of writes) however many flood: the load generator
/// must not be what delays them.
pub const FLOOD_PER_ROUND: usize = 1024 * 1024;
