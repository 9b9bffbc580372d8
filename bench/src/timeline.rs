//! `--windows`: the measured run cut into windows of one length (the last
//! may be shorter), each with the normal clients' answers, latencies and
//! failures, and the fresh-client probes started in it. An attack that
//! starves the other clients for seconds at a time shows here, where a
//! whole run's average would hide it.

use super::stats::{latency_histogram, record};
use super::window::Window;
use hdrhistogram::Histogram;
use serde::Serialize;
use std::time::{Duration, Instant};

/// One thread's counts per window.
#[derive(Debug)]
pub struct Timeline {
    from: Instant,
    until: Instant,
    each: Duration,
    windows: Vec<WindowStats>,
}

/// What happened in one window.
#[derive(Debug, Default)]
struct WindowStats {
    /// Latency of the correct answers completed in the window; made on
    /// the first one, so windows without answers cost nothing.
    latency: Option<Histogram<u32>>,
    wrong: u64,
    errors: u64,
    probes: u64,
    served: u64,
}

/// One window of the report.
#[derive(Debug, Clone, Serialize)]
pub struct WindowRow {
    /// Start, in seconds after the measured run began.
    pub from_s: f64,
    /// End, in seconds after the measured run began.
    pub until_s: f64,
    /// Correct answers completed in the window.
    pub requests: u64,
    /// Of them, per second of the window.
    pub req_per_s: f64,
    /// Median latency of those answers, in microseconds (none without answers).
    pub p50_us: Option<f64>,
    /// 99th percentile.
    pub p99_us: Option<f64>,
    /// Slowest.
    pub max_us: Option<f64>,
    /// Complete answers that were wrong.
    pub wrong: u64,
    /// Failed connects, sends and answers.
    pub errors: u64,
    /// Fresh-client probes started in the window.
    pub fresh_probes: u64,
    /// Of them, answered within their second.
    pub fresh_served: u64,
}

/// The fresh-client probes of a whole run.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FreshSummary {
    /// Seconds probed (one new connection each).
    pub probes: u64,
    /// Seconds whose probe got its whole answer within the second.
    pub served: u64,
    /// `served` as a percentage of `probes` (none without probes).
    pub served_pct: Option<f64>,
}

impl Timeline {
    /// Windows of `each` over `window`.
    pub fn new(window: Window, each: Duration) -> Timeline {
        let length = window.until.saturating_duration_since(window.from);
        let count = length.as_nanos().div_ceil(each.as_nanos().max(1)).max(1);
        let count = usize::try_from(count).expect("the plan bounds the number of windows");
        let windows = (0..count).map(|_| WindowStats::default()).collect();
        Timeline { from: window.from, until: window.until, each, windows }
    }

    /// The window holding the moment `at`, if it falls in the run.
    fn at(&mut self, at: Instant) -> Option<&mut WindowStats> {
        if at < self.from || at > self.until {
            return None;
        }
        let index = (at - self.from).as_nanos() / self.each.as_nanos();
        let last = self.windows.len() - 1;
        self.windows.get_mut(usize::try_from(index).unwrap_or(last).min(last))
    }

    /// A correct answer completed at `at` after `took`.
    pub fn correct(&mut self, at: Instant, took: Duration) {
        if let Some(window) = self.at(at) {
            record(window.latency.get_or_insert_with(latency_histogram), took);
        }
    }

    /// A wrong answer completed at `at`.
    pub fn wrong(&mut self, at: Instant) {
        if let Some(window) = self.at(at) {
            window.wrong += 1;
        }
    }

    /// A failure at `at`.
    pub fn error(&mut self, at: Instant) {
        if let Some(window) = self.at(at) {
            window.errors += 1;
        }
    }

    /// A fresh-client probe started at `started`, served or not.
    pub fn probe(&mut self, started: Instant, served: bool) {
        if let Some(window) = self.at(started) {
            window.probes += 1;
            window.served += u64::from(served);
        }
    }

    /// Adds another thread's counts (over the same windows).
    pub fn merge(&mut self, other: &Timeline) {
        for (mine, theirs) in self.windows.iter_mut().zip(&other.windows) {
            if let Some(latency) = &theirs.latency {
                let into = mine.latency.get_or_insert_with(latency_histogram);
                into.add(latency).expect("histograms with the same bounds");
            }
            mine.wrong += theirs.wrong;
            mine.errors += theirs.errors;
            mine.probes += theirs.probes;
            mine.served += theirs.served;
        }
    }

    /// The rows of the report, one per window.
    pub fn rows(&self) -> Vec<WindowRow> {
        let length = (self.until - self.from).as_secs_f64();
        let each = self.each.as_secs_f64();
        let us = |nanos: u64| nanos as f64 / 1000.0;
        self.windows
            .iter()
            .enumerate()
            .map(|(index, window)| {
                let from_s = index as f64 * each;
                let until_s = (from_s + each).min(length);
                let requests = window.latency.as_ref().map_or(0, Histogram::len);
                let quantile = |q: f64| window.latency.as_ref().map(|h| us(h.value_at_quantile(q)));
                WindowRow {
                    from_s,
                    until_s,
                    requests,
                    req_per_s: requests as f64 / (until_s - from_s).max(1e-9),
                    p50_us: quantile(0.5),
                    p99_us: quantile(0.99),
                    max_us: window.latency.as_ref().map(|h| us(h.max())),
                    wrong: window.wrong,
                    errors: window.errors,
                    fresh_probes: window.probes,
                    fresh_served: window.served,
                }
            })
            .collect()
    }

    /// The probes of the whole run.
    pub fn fresh(&self) -> FreshSummary {
        let probes = self.windows.iter().map(|w| w.probes).sum();
        let served = self.windows.iter().map(|w| w.served).sum();
        let served_pct = (probes > 0).then(|| served as f64 * 100.0 / probes as f64);
        FreshSummary { probes, served, served_pct }
    }
}
