//! The result of one load run, for people and for scripts (`--json`).

use super::attack::AttackStats;
use super::event_loop::Counted;
use super::fresh::PROBE_EVERY;
use super::latency::Latency;
use super::mode::Mode;
use super::plan::LoadPlan;
use super::request_spec::RequestSpec;
use super::timeline::{FreshSummary, WindowRow};
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
    /// What the `--slow`, `--slow-read` and `--pipeline-flood`
    /// connections did (zeros without an attack).
    pub attack: AttackStats,
    /// `--pipeline-flood`: seconds a flooding connection lives.
    pub rotate_s: f64,
    /// `--pipeline-flood`: seconds its sends may stay blocked before it
    /// reconnects.
    pub stall_s: f64,
    /// With `--windows`: the normal clients' answers window by window
    /// (empty without).
    pub windows: Vec<WindowRow>,
    /// With `--windows`: the fresh-client probes, once per second.
    pub fresh: Option<FreshSummary>,
}

impl Report {
    /// The report of `plan` from the merged counts of its threads (their
    /// attack and windows included), and the idle connections' outcome.
    pub fn new(plan: &LoadPlan, counted: &Counted, idle_open: usize, idle_failed: usize) -> Report {
        let stats = &counted.stats;
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
            attack: counted.attack,
            rotate_s: plan.rotate.as_secs_f64(),
            stall_s: plan.stall.as_secs_f64(),
            windows: counted.timeline.as_ref().map(|t| t.rows()).unwrap_or_default(),
            fresh: counted.timeline.as_ref().map(|t| t.fresh()),
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
        write_attack(f, &self.attack, self.rotate_s, self.stall_s)?;
        write_windows(f, &self.windows)?;
        if let Some(fresh) = &self.fresh {
            write_fresh(f, fresh)?;
        }
        Ok(())
    }
}

/// The per-window table, when the run was cut into windows.
fn write_windows(f: &mut fmt::Formatter<'_>, rows: &[WindowRow]) -> fmt::Result {
    if rows.is_empty() {
        return Ok(());
    }
    write!(
        f,
        "\n  windows   (answers completed in each window; fresh = new connections answered within {} s)",
        PROBE_EVERY.as_secs()
    )?;
    write!(
        f,
        "\n    {:>13}  {:>10}  {:>9}  {:>10}  {:>10}  {:>10}  {:>6}  {:>6}  {:>5}",
        "window", "requests", "req/s", "p50", "p99", "max", "wrong", "errors", "fresh"
    )?;
    let latency = |us: Option<f64>| us.map_or_else(|| "-".to_string(), human_latency);
    for row in rows {
        write!(
            f,
            "\n    {:>13}  {:>10}  {:>9.0}  {:>10}  {:>10}  {:>10}  {:>6}  {:>6}  {:>5}",
            format!("{:.1}-{:.1}s", row.from_s, row.until_s),
            row.requests,
            row.req_per_s,
            latency(row.p50_us),
            latency(row.p99_us),
            latency(row.max_us),
            row.wrong,
            row.errors,
            format!("{}/{}", row.fresh_served, row.fresh_probes)
        )?;
    }
    let starved = rows.iter().filter(|row| row.requests == 0).count();
    write!(f, "\n    {starved} of {} windows with no answer", rows.len())
}

/// The fresh client's line.
fn write_fresh(f: &mut fmt::Formatter<'_>, fresh: &FreshSummary) -> fmt::Result {
    match fresh.served_pct {
        Some(pct) => write!(
            f,
            "\n  fresh     a new client was served within the second in {} of {} seconds ({pct:.0}%)",
            fresh.served, fresh.probes
        ),
        None => write!(f, "\n  fresh     no probe: the measured run is shorter than a second"),
    }
}

/// The attack's line, when one ran.
fn write_attack(f: &mut fmt::Formatter<'_>, a: &AttackStats, rotate_s: f64, stall_s: f64) -> fmt::Result {
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
    if a.pipeline_flood > 0 {
        write!(
            f,
            "\n  flood     {} connections pipelining unread (rotated every {rotate_s} s or \
             after {stall_s} s blocked), {} open at the end, \
             {} connects, {} rotated, {} stalled and replaced, {} closed or refused by the server, \
             {} bytes pipelined",
            a.pipeline_flood,
            a.pipeline_flood_open,
            a.pipeline_flood_connected,
            a.pipeline_flood_rotated,
            a.pipeline_flood_stalled,
            a.pipeline_flood_closed,
            a.pipeline_flood_bytes
        )?;
    }
    Ok(())
}
