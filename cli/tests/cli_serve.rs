//! Each bundled server through the built binary: started on port 0 (or a
//! fresh socket path), its address read from the `bound=` log line, talked
//! to over every transport it supports, stopped with SIGTERM, exit 0.

mod cli_util;

use cli_util::{Served, TempDir};
use std::io::{Read, Write};
use std::net::Shutdown;

/// Writes `message`, ends the write side, and reads everything back.
fn round_trip(mut conn: impl Read + Write, message: &[u8], end: impl FnOnce(&mut dyn Write)) -> Vec<u8> {
    conn.write_all(message).unwrap();
    end(&mut conn);
    let mut back = Vec::new();
    conn.read_to_end(&mut back).unwrap();
    back
}

#[test]
fn echo_over_tcp() {
    let server = Served::start(&["echo", "--bind", "127.0.0.1:0"]);
    assert!(server.bound.starts_with("127.0.0.1:"), "{}", server.bound);
    assert_ne!(server.bound, "127.0.0.1:0");
    let conn = server.tcp();
    let probe = conn.try_clone().unwrap();
    let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let back = round_trip(conn, &big, |_| probe.shutdown(Shutdown::Write).unwrap());
    assert_eq!(back, big);
    server.stop_cleanly();
}

#[test]
fn echo_over_udp() {
    let server = Served::start(&["echo", "--transport", "udp", "--bind", "127.0.0.1:0"]);
    assert_eq!(server.udp_ask(b"ping"), b"ping");
    let log = server.stop_cleanly();
    assert!(log.contains("transport=udp"), "{log}");
}

#[test]
fn echo_over_unix_stream() {
    let dir = TempDir::new("cli");
    let path = dir.path().join("echo.sock");
    let server = Served::start(&["echo", "--transport", "unix", "--bind", path.to_str().unwrap()]);
    assert_eq!(server.bound, path.to_str().unwrap());
    let conn = server.unix();
    let probe = conn.try_clone().unwrap();
    let back = round_trip(conn, b"over a socket file", |_| probe.shutdown(Shutdown::Write).unwrap());
    assert_eq!(back, b"over a socket file");
    server.stop_cleanly();
    assert!(!path.exists(), "the server should remove its socket file");
}

#[test]
fn echo_over_unix_datagram() {
    let dir = TempDir::new("cli");
    let path = dir.path().join("echo-dgram.sock");
    let server = Served::start(&["echo", "--transport", "unix-dgram", "--bind", path.to_str().unwrap()]);
    assert_eq!(server.unix_dgram_ask(b"datagram"), b"datagram");
    server.stop_cleanly();
}

#[test]
fn sigint_drains_an_open_connection_and_exits_0() {
    let server =
        Served::start(&["echo", "--bind", "127.0.0.1:0", "--concurrency", "threads", "--workers", "3"]);
    let bound = server.bound.clone();
    let mut conn = server.tcp();
    conn.write_all(b"x").unwrap();
    let mut one = [0; 1];
    conn.read_exact(&mut one).unwrap();
    let (status, log) = server.stop_with(libc::SIGINT);
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(log.contains("received SIGINT: draining"), "{log}");
    assert!(log.contains(&format!("bound={bound} strategy=threads")), "{log}");
    // Its one request was answered: it waits between requests, so the
    // drain closes it at once and does not count it, as under every
    // strategy.
    assert!(log.contains("0 in-flight request(s) at shutdown, 0 completed, 0 cut off"), "{log}");
    let mut rest = Vec::new();
    conn.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());
}
