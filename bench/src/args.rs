//! The flags of `socketserver-bench` (`socketserver bench`).

use super::mode::Mode;
use super::suite::SuiteArgs;
use clap::{Parser, Subcommand};
use socketserver::config::parse_duration;
use std::time::Duration;

/// `socketserver-bench` (`socketserver bench`): a closed-loop load generator.
///
/// Each of `--conns` connections sends one request, waits for the whole
/// answer, checks it, records the latency and sends the next, for
/// `--duration` after `--warmup`. The connections are driven by
/// `--threads` event loops, not a thread each. With `bench suite` it instead runs every
/// bundled strategy and the comparison servers through the same scenarios.
#[derive(Parser, Debug, Clone)]
#[command(name = "socketserver-bench", version, args_conflicts_with_subcommands = true)]
pub struct BenchArgs {
    /// Run the strategy comparison instead of a single load.
    #[command(subcommand)]
    pub command: Option<BenchCommand>,

    /// The server under load, HOST:PORT.
    #[arg(long, value_name = "HOST:PORT")]
    pub addr: Option<String>,

    /// Concurrent client connections (closed loop: one request in flight on each), 1 to 10000.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub conns: u32,

    /// How long to measure, after the warm-up: "10s", "500ms", "1m".
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub duration: Duration,

    /// Load sent before measuring starts, not counted: "2s", "0s".
    #[arg(long, default_value = "0s", value_parser = parse_duration)]
    pub warmup: Duration,

    /// The protocol spoken.
    #[arg(long, value_enum, default_value_t = Mode::Echo)]
    pub mode: Mode,

    /// Echo mode: bytes per request (1 to 16 MiB); the answer must be the same bytes.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=16 * 1024 * 1024))]
    pub size: u32,

    /// Line and udp modes: the message sent (a newline is added in line mode).
    #[arg(long, default_value = "John")]
    pub message: String,

    /// Line and udp modes: the answer expected, without its newline.
    /// Without it any one non-empty line (or datagram) counts as correct.
    #[arg(long)]
    pub expect: Option<String>,

    /// HTTP mode: the path requested.
    #[arg(long, default_value = "/")]
    pub path: String,

    /// A new connection for every request (TCP modes), as `ab` without `-k` does.
    #[arg(long)]
    pub per_request: bool,

    /// Event-loop threads driving the connections (each polls its share).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub threads: u32,

    /// Attack: connections that send a request head (or message) one byte
    /// per --slow-interval and never finish it, during the run.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=10_000))]
    pub slow: u32,

    /// Attack: connections that pipeline requests and never read an answer.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=10_000))]
    pub slow_read: u32,

    /// Attack: connections that write pipelined requests as fast as the
    /// server takes them, never read an answer, and reconnect every
    /// --rotate (or once their sends have been blocked for --stall, or when
    /// the server closes them), so the server's buffers fill again and
    /// again. 0 to 10000.
    #[arg(long, default_value_t = 0, value_parser = flood_connections)]
    pub pipeline_flood: u32,

    /// How long a --pipeline-flood connection lives before it closes and
    /// reconnects: "2s" (the default), "500ms".
    #[arg(long, value_parser = parse_duration)]
    pub rotate: Option<Duration>,

    /// A --pipeline-flood connection whose sends have been blocked this
    /// long (the server stopped reading it) closes and reconnects before
    /// its --rotate time: "1s" (the default); as long as --rotate or longer
    /// for an attacker that only rotates.
    #[arg(long, value_parser = parse_duration)]
    pub stall: Option<Duration>,

    /// Report the normal clients' answers per window of this length ("4s"):
    /// req/s and p99 latency of each, as a table after the run. Also sends a
    /// fresh client once per second (a new connection, one request) and
    /// reports in how many seconds it was answered within that second.
    #[arg(long, value_parser = parse_duration)]
    pub windows: Option<Duration>,

    /// Time between two bytes of a --slow connection.
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    pub slow_interval: Duration,

    /// Extra connections opened before the run and held open, idle, until it ends.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=60_000))]
    pub idle: u32,

    /// Give up on one request (connect, send or answer) after this long; counted as an error.
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    pub timeout: Duration,

    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,

    /// No progress line on stderr.
    #[arg(long)]
    pub quiet: bool,
}

/// The subcommands of `socketserver-bench`.
#[derive(Subcommand, Debug, Clone)]
pub enum BenchCommand {
    /// Start every bundled strategy, the std reference and (when given)
    /// the tokio, hyper and nginx servers, drive each through the same
    /// scenarios, print one table of ratios, and write `benchmarks.md` and
    /// `benchmarks.svg`.
    Suite(SuiteArgs),
}

/// Most `--pipeline-flood` connections.
const MAX_FLOOD: u32 = 10_000;

/// `--pipeline-flood`: a number of connections, 0 to [`MAX_FLOOD`].
fn flood_connections(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(count) if count <= MAX_FLOOD => Ok(count),
        _ => Err(format!("`{text}` is not a number of connections from 0 to {MAX_FLOOD}, such as 200")),
    }
}
