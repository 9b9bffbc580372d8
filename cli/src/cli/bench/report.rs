//! The result of one load run, for people and for scripts (`--json`).

use super::attack::AttackStats;
use super::latency::Latency;
use super::mode::Mode;
use super::plan::LoadPlan;
use super::request_spec::RequestSpec;
use super::stats::WorkerStats;
use serde::Serialize;
use std::fmt;

/// Requests per second, latency percentiles and failures of one run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The protocol spoken.
    pub mode: Mode,
    /// What each request was.
    pub request: String,
    /// The server.
    pub addr: String,
    /// Concurrent client connections.
    pub conns: usize,
    /// Event-loop threads that drove them.
    pub threads: usize,
    /// Whether each request had its own connection.
    pub per_request: bool,
    /// Idle connections asked for.
    pub idle_requested: usize,
    /// Idle connections actually held open.
    pub idle_open: usize,
    /// Measured seconds.
    pub duration_s: f64,
    /// Warm-up seconds, not counted.
    pub warmup_s: f64,
    /// Correct answers in the measured window.
    pub requests: u64,
    /// Correct answers per second.
    pub req_per_s: f64,
    /// Failed connects, sends and answers (idle connects included).
    pub errors: u64,
    /// Complete answers that were wrong.
    pub wrong: u64,
    /// The first failure seen, if any.
    pub first_error: Option<String>,
    /// Latency of correct answers, in microseconds (during the attack,
    /// if one ran).
    pub latency_us: Latency,
    /// What the `--slow` and `--slow-read` connections did (zeros without
    /// an attack).
    pub attack: AttackStats,
}

impl Report {
    /// The report of `plan` from the merged counts of its threads, its
    /// attack, and the idle connections' outcome.
    pub fn new(
        plan: &LoadPlan,
        stats: &WorkerStats,
        attack: &AttackStats,
        idle_open: usize,
        idle_failed: usize,
    ) -> Report {
        let h = &stats.latency;
        let us = |nanos: u64| nanos as f64 / 1000.0;
        let seconds = plan.duration.as_secs_f64();
        Report {
            mode: plan.request.mode(),
            request: describe(&plan.request),
            addr: plan.addr.to_string(),
            conns: plan.conns,
            threads: plan.threads,
            per_request: plan.per_request,
            idle_requested: plan.idle,
            idle_open,
            duration_s: seconds,
            warmup_s: plan.warmup.as_secs_f64(),
            requests: stats.requests(),
            req_per_s: stats.requests() as f64 / seconds,
            errors: stats.errors + idle_failed as u64,
            wrong: stats.wrong,
            first_error: stats.first_error.clone(),
            latency_us: Latency {
                p50: us(h.value_at_quantile(0.5)),
                p99: us(h.value_at_quantile(0.99)),
                p999: us(h.value_at_quantile(0.999)),
                max: us(h.max()),
                mean: h.mean() / 1000.0,
            },
            attack: *attack,
        }
    }
}

/// A short description of a request: `64 B`, `line "John"`.
fn describe(request: &RequestSpec) -> String {
    match request {
        RequestSpec::Echo { size } => format!("{size} B"),
        RequestSpec::Line { message, .. } => format!("line {message:?}"),
        RequestSpec::Udp { message, .. } => format!("datagram {message:?}"),
        RequestSpec::Http { path } => format!("GET {path}"),
    }
}

/// A latency in microseconds, written with a fitting unit.
pub fn human_latency(us: f64) -> String {
    if us >= 1_000_000.0 {
        format!("{:.2} s", us / 1_000_000.0)
    } else if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.1} µs")
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let idle =
            if self.idle_requested > 0 { format!(" (+{} idle held)", self.idle_open) } else { String::new() };
        let each = if self.per_request { ", a new connection per request" } else { "" };
        writeln!(
            f,
            "{} {} to {} over {} connections{idle}{each}, {} event loop(s), {:.1} s",
            self.mode.name(),
            self.request,
            self.addr,
            self.conns,
            self.threads,
            self.duration_s
        )?;
        writeln!(f, "  requests  {:>12}  ({:.0} req/s)", self.requests, self.req_per_s)?;
        let l = &self.latency_us;
        writeln!(
            f,
            "  latency   p50 {}  p99 {}  p99.9 {}  max {}",
            human_latency(l.p50),
            human_latency(l.p99),
            human_latency(l.p999),
            human_latency(l.max)
        )?;
        writeln!(f, "  wrong     {:>12}", self.wrong)?;
        write!(f, "  errors    {:>12}", self.errors)?;
        if let Some(first) = &self.first_error {
            write!(f, "  (first: {first})")?;
        }
        write_attack(f, &self.attack)
    }
}

/// The attack's line, when one ran.
fn write_attack(f: &mut fmt::Formatter<'_>, a: &AttackStats) -> fmt::Result {
    if a.slow > 0 {
        write!(
            f,
            "\n  slow      {} connections, {} open at the end, {} closed by the server, {} bytes sent",
            a.slow, a.slow_open, a.slow_closed, a.slow_bytes
        )?;
    }
    if a.slow_read > 0 {
        write!(
            f,
            "\n  slow-read {} connections, {} open at the end, {} closed by the server, {} bytes pipelined unread",
            a.slow_read, a.slow_read_open, a.slow_read_closed, a.slow_read_bytes
        )?;
    }
    Ok(())
}
