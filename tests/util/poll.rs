//! The one bounded poll, for state with no event to wait on (a counter, a
//! thread list, a log record). It ticks on a channel timer between checks;
//! nothing here sleeps to synchronise.

use super::PATIENCE;
use std::time::{Duration, Instant};

/// Polls `ready` until it holds, for at most [`PATIENCE`]; panics naming
/// `what` otherwise.
pub fn wait_until(what: &str, ready: impl FnMut() -> bool) {
    assert!(eventually(PATIENCE, ready), "gave up waiting for {what} after {PATIENCE:?}");
}

/// Polls `ready` until it holds or `limit` passes; returns whether it
/// held. For a test that must undo something before it fails, or whose
/// limit is part of what it asserts.
pub fn eventually(limit: Duration, mut ready: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    let ticker = crossbeam_channel::tick(Duration::from_millis(1));
    while Instant::now() < deadline {
        if ready() {
            return true;
        }
        let _ = ticker.recv();
    }
    ready()
}
