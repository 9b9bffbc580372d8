//! The flags of `socketserver-bench suite`.

use clap::Args;
use socketserver::config::parse_duration;
use std::path::PathBuf;
use std::time::Duration;

/// `socketserver-bench suite`: every strategy, the std reference server,
/// and what users would pick instead (a tokio echo server, a hyper hello
/// server, nginx), the same scenarios, one table. `scripts/benchmark.sh`
/// builds the binaries, pins the servers to one core and this client to
/// the other, and runs it.
///
/// A flag given twice takes its last value, so `scripts/benchmark.sh
/// --out DIR` overrides the script's own `--out docs`.
#[derive(Args, Debug, Clone)]
#[command(args_override_self = true)]
pub struct SuiteArgs {
    /// The reference server binary (benches/reference_echo.rs, built by
    /// `cargo bench --no-run`).
    #[arg(long, value_name = "PATH")]
    pub reference: PathBuf,

    /// The socketserver binary whose `serve` is measured. Default: the
    /// `socketserver` beside this binary (both are in target/release
    /// after `cargo build --release`).
    #[arg(long, value_name = "PATH")]
    pub server: Option<PathBuf>,

    /// The tokio echo server (bench-servers/, built by scripts/benchmark.sh);
    /// without it the tokio column is skipped.
    #[arg(long, value_name = "PATH")]
    pub tokio_echo: Option<PathBuf>,

    /// The hyper hello server (bench-servers/); without it the hyper
    /// column is skipped.
    #[arg(long, value_name = "PATH")]
    pub hyper_hello: Option<PathBuf>,

    /// The nginx binary; without it the nginx column is skipped.
    #[arg(long, value_name = "PATH")]
    pub nginx: Option<PathBuf>,

    /// Pin every server to these CPUs (`taskset -c LIST`), such as `0`;
    /// run the suite itself pinned elsewhere (`taskset -c 1`).
    #[arg(long, value_name = "LIST")]
    pub server_cpus: Option<String>,

    /// Measured time of each run.
    #[arg(long, default_value = "3s", value_parser = parse_duration)]
    pub duration: Duration,

    /// Unmeasured load before each run.
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    pub warmup: Duration,

    /// Idle connections held in the idle scenario.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=50_000))]
    pub idle: u32,

    /// Idle connections opened to measure the server's memory per connection.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=50_000))]
    pub rss_conns: u32,

    /// `--slow` connections of the slow-client attack scenario.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub slow: u32,

    /// `--slow-read` connections of the slow-reader attack scenario.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub slow_read: u32,

    /// Workers of the `pool` strategy.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub workers: u32,

    /// Folder that receives benchmarks.md and benchmarks.svg.
    #[arg(long, default_value = "docs", value_name = "DIR")]
    pub out: PathBuf,

    /// Also write every run's full report here, as JSON.
    #[arg(long, value_name = "FILE")]
    pub results: Option<PathBuf>,

    /// Run only these scenarios (comma-separated names, such as echo-64,udp-ack).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub only: Vec<String>,
}
