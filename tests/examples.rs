//! Runs the examples as a user would, as subprocesses.

mod util;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::thread;
use util::{LineClient, PATIENCE};

/// The cargo features this test was built with, so building the example
/// reuses the same compiled library.
fn features() -> Vec<&'static str> {
    let all = [
        ("http", cfg!(feature = "http")),
        ("handlers", cfg!(feature = "handlers")),
        ("config", cfg!(feature = "config")),
        ("threadpool", cfg!(feature = "threadpool")),
    ];
    all.into_iter().filter(|&(_, on)| on).map(|(name, _)| name).collect()
}

/// Starts `cargo run --example NAME -- ARGS`, killed when dropped.
struct Example(Child);

impl Example {
    fn start(name: &str, args: &[&str]) -> Example {
        let mut cargo = Command::new(env!("CARGO"));
        cargo.args(["run", "--quiet", "--package", "socketserver", "--no-default-features"]);
        if !features().is_empty() {
            cargo.args(["--features", &features().join(",")]);
        }
        let child = cargo
            .args(["--example", name, "--"])
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .spawn()
            .expect("cannot run cargo");
        Example(child)
    }

    /// The address from the example's `listening on ADDR` line, read
    /// within [`PATIENCE`] (plus what cargo needs to build it).
    fn address(&mut self) -> SocketAddr {
        let stdout = self.0.stdout.take().unwrap();
        let (tx, rx) = crossbeam_channel::bounded(1);
        thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(PATIENCE * 12).expect("the example printed no address");
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        addr.parse().unwrap()
    }
}

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn custom_handler_serves_its_key_value_protocol() {
    let mut example = Example::start("custom_handler", &["127.0.0.1:0"]);
    let addr = example.address();
    let mut client = LineClient::tcp(addr);
    assert_eq!(client.ask("GET colour"), "(nil)");
    assert_eq!(client.ask("SET colour blue sky"), "OK");
    assert_eq!(client.ask("GET colour"), "blue sky");
    let mut other = LineClient::tcp(addr);
    assert_eq!(other.ask("DEL colour"), "OK");
    assert_eq!(client.ask("GET colour"), "(nil)");
    assert!(client.ask("FLY away").starts_with("ERROR: "));
    client.send(b"QUIT\n");
    assert!(client.closed());
}
