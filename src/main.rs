//! The `socketserver` command line: a thin layer over the library.

mod cli;

use clap::{Parser, Subcommand};

/// Blocking, thread-based socket servers, and the tools to try them.
#[derive(Debug, Parser)]
#[command(name = "socketserver", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// What to run.
#[derive(Debug, Subcommand)]
enum Command {
    /// Drive a server with a closed-loop load and report req/s and latency.
    Bench(cli::bench::BenchArgs),
}

fn main() {
    let code = match &Cli::parse().command {
        Command::Bench(args) => cli::bench::run(args),
    };
    std::process::exit(code);
}
