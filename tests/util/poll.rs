//! The one bounded poll, for state with no event to wait on (a counter, a
//! thread list, a log record). Between checks it waits on a channel timer
//! that starts at 1 ms and doubles up to 32 ms: quick for what is nearly
//! ready, cheap for a costly check (a thousand sockets) that takes longer.

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
    let mut pause = Duration::from_millis(1);
    while Instant::now() < deadline {
        if ready() {
            return true;
        }
        let _ = crossbeam_channel::after(pause).recv();
        pause = (pause * 2).min(Duration::from_millis(32));
    }
    ready()
}
