//! The `socketserver` command line: a thin layer over the library. Run
//! `socketserver --help`, or see README.md.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
