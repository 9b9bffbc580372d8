//! `socketserver-bench` (also run as `socketserver bench`): a closed-loop
//! load generator for the crate's protocols (echo, lines, UDP, HTTP), in
//! the spirit of `wrk` and `redis-benchmark`, and `socketserver-bench
//! suite`, the comparison of every bundled strategy against a hand-written
//! reference server.
//!
//! A workspace member of its own, as crossbeam keeps
//! `crossbeam-channel/benchmarks`: the histograms, the plotting and the
//! JSON reports are compiled here, never by the library or the
//! `socketserver` command line. `cargo build --release` at the repository
//! root builds it beside `target/release/socketserver`, whose `bench`
//! subcommand runs it.
//!
//! One event loop per `--threads` (default one) drives all its connections
//! over a `polling::Poller`, edge-triggered: each connection is a state
//! machine that sends one request, takes the answer as it arrives, checks
//! it (a wrong echo is counted, never ignored), records the latency in an
//! HDR histogram and sends the next. Only answers completed inside the
//! measured window count. A thread per connection would make the client,
//! not the server, decide the result on a small machine; this is how
//! `wrk` drives its load.
//!
//! `--slow N`, `--slow-read N` and `--pipeline-flood N` add attacking
//! connections to the same loops (see [`attack`]), so the normal clients'
//! latency is measured during the attack. `--windows` reports the run
//! window by window (see [`timeline`]) and sends a fresh client once per
//! second (see [`fresh`]), so an attack that starves the other clients for
//! seconds at a time shows even when the run's average does not.

mod args;
mod attack;
mod client;
mod context;
mod event_loop;
mod exchange;
mod fresh;
mod idle;
mod latency;
mod link;
mod load;
mod mode;
mod nofile;
mod plan;
mod progress;
mod report;
mod request_spec;
mod slot;
mod stats;
mod suite;
mod timeline;
mod window;

use self::args::{BenchArgs, BenchCommand};
use self::plan::LoadPlan;
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(u8::try_from(run(&BenchArgs::parse())).unwrap_or(1))
}

/// Runs the load (or the suite) and returns the process exit status: `0`
/// when the run measured correct answers and no wrong ones, `1` when it
/// measured none or saw a wrong answer, `2` for bad flags.
fn run(args: &BenchArgs) -> i32 {
    if let Some(BenchCommand::Suite(suite)) = &args.command {
        return suite::run(suite);
    }
    let plan = match LoadPlan::from_args(args) {
        Ok(plan) => plan,
        Err(message) => {
            eprintln!("socketserver-bench: {message}");
            return 2;
        }
    };
    let report = match load::measure(&plan) {
        Ok(report) => report,
        Err(message) => {
            eprintln!("socketserver-bench: {message}");
            return 1;
        }
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report).expect("a report serialises"));
    } else {
        println!("{report}");
    }
    status(&report)
}

/// `0` for a clean run, `1` when nothing correct came back or something
/// wrong did.
fn status(report: &report::Report) -> i32 {
    if report.requests == 0 {
        eprintln!(
            "socketserver-bench: no correct answer in {:.1} s{}",
            report.duration_s,
            report.first_error.as_deref().map(|e| format!(" (first error: {e})")).unwrap_or_default()
        );
        return 1;
    }
    if report.wrong > 0 {
        eprintln!("socketserver-bench: {} wrong answers", report.wrong);
        return 1;
    }
    0
}
