//! The `socketserver` command line: a thin layer over the library. Run
//! `socketserver --help`, or see README.md.
//!
//! One concern per file: the grammar ([`args`]), the config file,
//! settings, the catalogue of bundled servers, serving, the clients, and
//! `bench`, which hands over to the `socketserver-bench` binary.

mod activation;
mod allocator;
mod args;
mod bench;
mod bind_address;
mod client;
mod config_file;
mod error;
mod get;
mod http_url;
mod json_logger;
mod log_format;
mod logging;
mod metrics;
mod notify;
mod panics;
mod registry;
mod reply_reader;
mod resolve;
mod serve;
mod settings;
mod signals;
mod static_settings;
mod supervisor;
mod tls_client;
mod tls_files;
mod transport_kind;

use crate::args::{Cli, Command};
use crate::error::CliError;
use crate::settings::Settings;
use clap::Parser;
use std::process::ExitCode;

/// Parses the command line, runs it, and turns the outcome into an exit
/// status: 0, 1 for a failure at run time, 2 for bad input. (`bench`
/// becomes `socketserver-bench`, whose status is its own: 1 also when
/// answers came back wrong.)
fn main() -> ExitCode {
    allocator::tune();
    let outcome = match Cli::parse().command {
        Command::Serve(args) => run_server(*args),
        Command::Client(args) => client::run(args),
        Command::Resolve(args) => resolve::run(&args),
        Command::Get(args) => get::run(&args),
        Command::Bench(args) => bench::run(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("socketserver: error: {err}");
            err.exit_code()
        }
    }
}

/// Serves in this process, or supervises `--processes` children that do
/// (a child of the supervisor serves, whatever its settings say).
fn run_server(args: args::ServeArgs) -> Result<(), CliError> {
    let mut settings = Settings::resolve(args)?;
    let supervised = activation::supervised();
    settings.metrics_child = settings.metrics.as_ref().and_then(|_| metrics::ChildSocket::from_env());
    settings.inherited = activation::take()?;
    logging::init(settings.log_level, settings.access_log, settings.log_format);
    panics::install();
    if settings.processes > 1 && !supervised {
        return supervisor::run(&settings);
    }
    serve::by_name(&settings).map(drop)
}
