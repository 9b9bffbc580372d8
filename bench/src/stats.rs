//! What one worker counted; merged into the run's totals at the end.

use hdrhistogram::Histogram;
use std::io;
use std::time::Duration;

/// Slowest latency the histogram holds; slower ones are clamped to it.
const MAX_LATENCY_NS: u64 = 60_000_000_000;

/// One worker's counts and latency histogram (nanoseconds, three
/// significant figures, 32-bit buckets: about 110 KiB), allocated once
/// before the run.
#[derive(Debug)]
pub struct WorkerStats {
    /// Latency of every correct answer.
    pub latency: Histogram<u32>,
    /// Answers that were complete but wrong.
    pub wrong: u64,
    /// Connects, sends or answers that failed.
    pub errors: u64,
    /// The first failure, to tell the user what went wrong.
    pub first_error: Option<String>,
}

impl WorkerStats {
    /// Empty counts.
    pub fn new() -> WorkerStats {
        WorkerStats { latency: latency_histogram(), wrong: 0, errors: 0, first_error: None }
    }

    /// A correct answer that took `took`.
    pub fn correct(&mut self, took: Duration) {
        record(&mut self.latency, took);
    }

    /// A complete answer that was not the right one.
    pub fn wrong(&mut self) {
        self.wrong += 1;
    }

    /// A failed request.
    pub fn error(&mut self, err: &io::Error) {
        self.errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(err.to_string());
        }
    }

    /// Correct answers counted.
    pub fn requests(&self) -> u64 {
        self.latency.len()
    }

    /// Adds another worker's counts to these.
    pub fn merge(&mut self, other: &WorkerStats) {
        self.latency.add(&other.latency).expect("histograms with the same bounds");
        self.wrong += other.wrong;
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error.clone_from(&other.first_error);
        }
    }
}

/// An empty latency histogram, the same for every count of a run (so
/// any two merge).
pub fn latency_histogram() -> Histogram<u32> {
    Histogram::new_with_bounds(1, MAX_LATENCY_NS, 3).expect("static histogram bounds are valid")
}

/// Records a latency of `took` (clamped into the histogram's range).
pub fn record(histogram: &mut Histogram<u32>, took: Duration) {
    let nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX).clamp(1, MAX_LATENCY_NS);
    histogram.record(nanos).expect("clamped into the histogram's range");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_adds_counts_and_keeps_the_first_error() {
        let mut a = WorkerStats::new();
        a.correct(Duration::from_micros(10));
        a.wrong();
        let mut b = WorkerStats::new();
        b.correct(Duration::from_micros(30));
        b.error(&io::Error::new(io::ErrorKind::TimedOut, "slow"));
        a.merge(&b);
        assert_eq!((a.requests(), a.wrong, a.errors), (2, 1, 1));
        assert_eq!(a.first_error.as_deref(), Some("slow"));
        assert!(a.latency.max() >= 30_000);
    }
}
