//! What the attacking connections of one thread did.

use serde::Serialize;

/// Counts of the attack, merged across threads into the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AttackStats {
    /// `--slow` connections asked for.
    pub slow: usize,
    /// Of them, connected at the end of the run.
    pub slow_open: usize,
    /// Times the server closed (or refused) a slow connection.
    pub slow_closed: u64,
    /// Bytes the slow connections sent, one at a time.
    pub slow_bytes: u64,
    /// `--slow-read` connections asked for.
    pub slow_read: usize,
    /// Of them, connected at the end of the run.
    pub slow_read_open: usize,
    /// Times the server closed (or refused) a slow-read connection.
    pub slow_read_closed: u64,
    /// Request bytes the slow readers pipelined without reading an answer.
    pub slow_read_bytes: u64,
}

impl AttackStats {
    /// Adds another thread's counts.
    pub fn merge(&mut self, other: &AttackStats) {
        self.slow += other.slow;
        self.slow_open += other.slow_open;
        self.slow_closed += other.slow_closed;
        self.slow_bytes += other.slow_bytes;
        self.slow_read += other.slow_read;
        self.slow_read_open += other.slow_read_open;
        self.slow_read_closed += other.slow_read_closed;
        self.slow_read_bytes += other.slow_read_bytes;
    }
}
