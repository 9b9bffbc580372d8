//! The counters every worker bumps, and the once-a-second progress line.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Running totals shared by the workers (warm-up included), read by the
/// progress line only: the report uses the workers' own counts.
#[derive(Debug, Default)]
pub struct Progress {
    requests: AtomicU64,
    wrong: AtomicU64,
    errors: AtomicU64,
}

/// Totals at one moment.
#[derive(Debug, Default, Clone, Copy)]
pub struct Snapshot {
    requests: u64,
    wrong: u64,
    errors: u64,
}

impl Progress {
    /// One correct answer.
    pub fn correct(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// One wrong answer.
    pub fn wrong(&self) {
        self.wrong.fetch_add(1, Ordering::Relaxed);
    }

    /// One failed request.
    pub fn error(&self) {
        self.errors.fetch_add(1, Ordering::Relaxed);
    }

    /// The totals now.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            requests: self.requests.load(Ordering::Relaxed),
            wrong: self.wrong.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
        }
    }
}

/// Prints one progress line on stderr: the rate since `before`, and the
/// totals. On a terminal the line is rewritten in place.
pub fn print_line(phase: &str, elapsed: Duration, before: Snapshot, now: Snapshot, interval: Duration) {
    let rate = (now.requests - before.requests) as f64 / interval.as_secs_f64().max(1e-9);
    let line = format!(
        "bench: {:>4.0}s {phase:<9} {rate:>10.0} req/s  {} answers  {} wrong  {} errors",
        elapsed.as_secs_f64(),
        now.requests,
        now.wrong,
        now.errors
    );
    let mut stderr = std::io::stderr().lock();
    let _ = if stderr.is_terminal() { write!(stderr, "\r{line}\x1b[K") } else { writeln!(stderr, "{line}") };
}

/// Ends a line rewritten in place, so later output starts on a new line.
pub fn finish_line() {
    let mut stderr = std::io::stderr().lock();
    if stderr.is_terminal() {
        let _ = writeln!(stderr);
    }
}
