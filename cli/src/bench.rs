//! `socketserver bench`: the load generator is a workspace member of its
//! own (`bench/`, binary `socketserver-bench`), so the command line
//! compiles none of its histograms, charts and event loop. This
//! subcommand runs that binary in its place with the same arguments: the
//! one beside this executable (`cargo build --release` puts both in
//! `target/release/`), else the one on `PATH`.

use crate::args::BenchArgs;
use crate::error::CliError;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The load generator's binary.
const BENCH_BINARY: &str = "socketserver-bench";

/// Replaces this process with `socketserver-bench ARGS...`, so the
/// output, the exit status and the signals are the load generator's own.
/// Its help and errors name it `socketserver bench`.
///
/// # Errors
///
/// A runtime error, saying what to build, when there is no
/// `socketserver-bench` beside this binary or on `PATH`, or when it
/// cannot be run.
pub fn run(args: &BenchArgs) -> Result<(), CliError> {
    let program = beside_this_binary().unwrap_or_else(|| PathBuf::from(BENCH_BINARY));
    let err = Command::new(&program).arg0("socketserver bench").args(&args.args).exec();
    Err(failure(&program, &err))
}

/// `socketserver-bench` in this binary's folder, if it is there.
fn beside_this_binary() -> Option<PathBuf> {
    let path = std::env::current_exe().ok()?.with_file_name(BENCH_BINARY);
    path.is_file().then_some(path)
}

fn failure(program: &Path, err: &io::Error) -> CliError {
    if err.kind() == io::ErrorKind::NotFound {
        return CliError::runtime(format!(
            "the load generator is a binary of its own, {BENCH_BINARY}, and there is none beside this \
             binary or on PATH; build it with `cargo build --release -p socketserver-bench` (at the \
             repository root, `cargo build --release` builds it beside `socketserver`)"
        ));
    }
    CliError::runtime(format!("cannot run {}: {err}", program.display()))
}
