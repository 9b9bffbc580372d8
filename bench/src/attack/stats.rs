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
    /// `--pipeline-flood` connections asked for.
    pub pipeline_flood: usize,
    /// Of them, connected at the end of the run.
    pub pipeline_flood_open: usize,
    /// Flooding connections that were established.
    pub pipeline_flood_connected: u64,
    /// Times a flooding connection was closed and replaced because its
    /// `--rotate` time was up.
    pub pipeline_flood_rotated: u64,
    /// Times it was replaced because its sends had been blocked for
    /// `--stall`: the server had stopped reading it.
    pub pipeline_flood_stalled: u64,
    /// Times the server closed (or refused) a flooding connection.
    pub pipeline_flood_closed: u64,
    /// Request bytes the flooding connections pipelined without reading
    /// an answer.
    pub pipeline_flood_bytes: u64,
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
        self.pipeline_flood += other.pipeline_flood;
        self.pipeline_flood_open += other.pipeline_flood_open;
        self.pipeline_flood_connected += other.pipeline_flood_connected;
        self.pipeline_flood_rotated += other.pipeline_flood_rotated;
        self.pipeline_flood_stalled += other.pipeline_flood_stalled;
        self.pipeline_flood_closed += other.pipeline_flood_closed;
        self.pipeline_flood_bytes += other.pipeline_flood_bytes;
    }
}
