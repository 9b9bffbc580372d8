//! `socketserver-bench suite`: start each server as a child process on a
//! loopback port (pinned with `taskset` when `--server-cpus` is given),
//! learn its address, drive it with the scenario's load, stop it; then
//! print one table with each result's ratio to tokio, hyper, nginx and the
//! std reference, and write `benchmarks.md` and `benchmarks.svg`.

mod args;
mod bound_on;
mod cell;
mod chart;
mod contender;
mod launch;
mod markdown;
mod nginx;
mod outcome;
mod rss;
pub(crate) mod scenario;
mod server_process;
mod table;

pub use self::args::SuiteArgs;

use self::cell::Cell;
use self::contender::Contender;
use self::outcome::Outcome;
use self::scenario::Scenario;
use self::server_process::ServerProcess;
use super::{load, nofile};
use std::path::{Path, PathBuf};

/// Runs the comparison and returns the exit status: `0` when every
/// applicable run was made, `1` when one failed, `2` for bad flags.
pub fn run(args: &SuiteArgs) -> i32 {
    let (server, scenarios) = match check(args) {
        Ok(checked) => checked,
        Err(message) => {
            eprintln!("socketserver-bench suite: {message}");
            return 2;
        }
    };
    let wanted = u64::from(args.idle.max(args.rss_conns)) + 1024;
    let limit = nofile::raise_to(wanted);
    if limit < wanted {
        eprintln!("socketserver-bench suite: warning: open-file limit {limit} is below {wanted}; idle scenarios may fail");
    }
    let config = match write_config(args) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("socketserver-bench suite: {message}");
            return 1;
        }
    };
    let cells = run_all(args, &scenarios, &server, &config);
    let _ = std::fs::remove_file(&config);
    println!("{}", table::markdown(&cells));
    let written = write_outputs(args, &cells, &scenarios);
    let failed = cells.iter().any(|c| matches!(c.outcome, Outcome::Failed(_)));
    i32::from(failed || !written)
}

/// The socketserver binary and the scenarios chosen.
fn check(args: &SuiteArgs) -> Result<(PathBuf, Vec<Scenario>), String> {
    if !args.reference.is_file() {
        return Err(format!(
            "--reference {} is not a file; build it with `cargo bench --no-run` (see scripts/benchmark.sh)",
            args.reference.display()
        ));
    }
    let server = match &args.server {
        Some(server) => server.clone(),
        None => beside_this_binary("socketserver")?,
    };
    let scenarios = if args.only.is_empty() {
        Scenario::ALL.to_vec()
    } else {
        args.only.iter().map(|name| find_scenario(name)).collect::<Result<_, _>>()?
    };
    Ok((server, scenarios))
}

/// The binary `name` in this binary's folder, where `cargo build
/// --release` puts both.
fn beside_this_binary(name: &str) -> Result<PathBuf, String> {
    let this =
        std::env::current_exe().map_err(|err| format!("cannot find this binary ({err}); pass --server"))?;
    let path = this.with_file_name(name);
    if path.is_file() {
        return Ok(path);
    }
    Err(format!(
        "no {} beside this binary; build it with `cargo build --release -p socketserver-cli`, or pass --server PATH",
        path.display()
    ))
}

fn find_scenario(name: &str) -> Result<Scenario, String> {
    Scenario::ALL.into_iter().find(|s| s.name() == name).ok_or_else(|| {
        let names: Vec<_> = Scenario::ALL.iter().map(|s| s.name()).collect();
        format!("--only: no scenario `{name}`; accepted: {}", names.join(", "))
    })
}

/// A config file raising the bundled servers' connection limit.
fn write_config(args: &SuiteArgs) -> Result<PathBuf, String> {
    let path = std::env::temp_dir().join(format!("socketserver-bench-{}.toml", std::process::id()));
    let text = format!("[limits]\nmax_connections = {}\n", Contender::thread_cap(args));
    std::fs::write(&path, text).map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    Ok(path)
}

fn run_all(args: &SuiteArgs, scenarios: &[Scenario], server: &Path, config: &Path) -> Vec<Cell> {
    let mut cells = Vec::new();
    for &scenario in scenarios {
        for contender in Contender::ALL.into_iter().filter(|&c| scenario.speaks(c)) {
            let outcome = run_cell(scenario, contender, args, server, config);
            eprintln!("{:<14} {:<8} {}", scenario.name(), contender.name(), summary(&outcome));
            cells.push(Cell::new(scenario, contender, outcome));
        }
    }
    cells
}

/// Starts the server, measures, stops it.
fn run_cell(
    scenario: Scenario,
    contender: Contender,
    args: &SuiteArgs,
    server: &Path,
    config: &Path,
) -> Outcome {
    if let Some(reason) = contender.missing(args) {
        return Outcome::NotApplicable(reason);
    }
    let launch = match contender.launch(scenario, args, server, config) {
        Ok(launch) => launch.pinned(args.server_cpus.as_deref()),
        Err(message) => return Outcome::Failed(message),
    };
    let process = match ServerProcess::start(launch.command, launch.bound_on) {
        Ok(process) => process,
        Err(message) => return Outcome::Failed(message),
    };
    let outcome = match scenario.plan(process.addr(), contender, args) {
        Some(plan) => match load::measure(&plan) {
            Ok(report) => Outcome::Measured(Box::new(report)),
            Err(message) => Outcome::Failed(message),
        },
        None => match rss::per_idle_connection(process.addr(), process.pid(), args.rss_conns as usize) {
            Ok(kib) => Outcome::RssPerConnKib(kib),
            Err(message) => Outcome::Failed(message),
        },
    };
    process.stop();
    drop(launch.site);
    outcome
}

fn summary(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Measured(report) => {
            let a = &report.attack;
            let attack = if a.slow + a.slow_read > 0 {
                format!(
                    "  attackers open at the end {}/{}",
                    a.slow_open + a.slow_read_open,
                    a.slow + a.slow_read
                )
            } else {
                String::new()
            };
            format!(
                "{:>10.0} req/s  p99 {:>10}  wrong {}  errors {}{attack}",
                report.req_per_s,
                super::report::human_latency(report.latency_us.p99),
                report.wrong,
                report.errors
            )
        }
        Outcome::RssPerConnKib(kib) => format!("{kib:.1} KiB per connection"),
        Outcome::NotApplicable(reason) => format!("n/a: {reason}"),
        Outcome::Failed(message) => format!("FAILED: {message}"),
    }
}

/// Writes benchmarks.md, benchmarks.svg and the JSON results; false if
/// one could not be written.
fn write_outputs(args: &SuiteArgs, cells: &[Cell], scenarios: &[Scenario]) -> bool {
    let mut ok = true;
    let mut report = |result: Result<(), String>| {
        if let Err(message) = result {
            eprintln!("socketserver-bench suite: {message}");
            ok = false;
        }
    };
    report(
        std::fs::create_dir_all(&args.out)
            .map_err(|err| format!("cannot create {}: {err}", args.out.display())),
    );
    let md = args.out.join("benchmarks.md");
    report(write(&md, &markdown::page(cells, scenarios, args)));
    report(chart::write_svg(cells, &args.out.join("benchmarks.svg")));
    if let Some(path) = &args.results {
        report(write(path, &serde_json::to_string_pretty(cells).expect("cells serialise")));
    }
    ok
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|err| format!("cannot write {}: {err}", path.display()))
}
