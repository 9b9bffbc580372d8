//! Shared start-up of the comparison servers: the command line and the
//! `bound=ADDR` line the suite waits for.

use std::net::SocketAddr;

/// How a comparison server was asked to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen, such as `127.0.0.1:0`.
    pub addr: SocketAddr,
    /// Run on tokio's current-thread runtime instead of the multi-thread one.
    pub current_thread: bool,
    /// Serve UDP instead of TCP (tokio-echo only).
    pub udp: bool,
    /// Answer address-book lines instead of echoing (tokio-echo only).
    pub lines: bool,
}

impl Options {
    /// Reads `[--current-thread] [--udp | --lines] ADDR` from the command line.
    ///
    /// # Panics
    ///
    /// With a usage message when the address is missing or malformed.
    pub fn from_args(name: &str) -> Options {
        let mut options =
            Options { addr: ([127, 0, 0, 1], 0).into(), current_thread: false, udp: false, lines: false };
        let mut addr = None;
        for arg in std::env::args().skip(1) {
            match arg.as_str() {
                "--current-thread" => options.current_thread = true,
                "--udp" => options.udp = true,
                "--lines" => options.lines = true,
                other => addr = Some(other.parse().unwrap_or_else(|_| usage(name))),
            }
        }
        options.addr = addr.unwrap_or_else(|| usage(name));
        options
    }

    /// The tokio runtime asked for.
    pub fn runtime(&self) -> tokio::runtime::Runtime {
        let mut builder = if self.current_thread {
            tokio::runtime::Builder::new_current_thread()
        } else {
            tokio::runtime::Builder::new_multi_thread()
        };
        builder.enable_io().build().expect("a tokio runtime starts")
    }
}

/// Prints the address the suite waits for.
pub fn announce(addr: SocketAddr) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "bound={addr}");
    let _ = stdout.flush();
}

fn usage(name: &str) -> ! {
    eprintln!("usage: {name} [--current-thread] [--udp | --lines] HOST:PORT");
    std::process::exit(2)
}
