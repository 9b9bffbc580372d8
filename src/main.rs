//! The `socketserver` command line: a thin layer over the library.

fn main() {
    eprintln!("socketserver {}: the command line is being built; see README.md", env!("CARGO_PKG_VERSION"));
    std::process::exit(2);
}
