//! The `socketserver` command line: a thin layer over the library. Run
//! `socketserver --help`, or see README.md.

mod allocator;
mod cli;

fn main() -> std::process::ExitCode {
    allocator::tune();
    cli::main()
}
