//! Each bundled server through the built binary: started on port 0 (or a
//! fresh socket path), its address read from the `bound=` log line, talked
//! to over every transport it supports, stopped with SIGTERM, exit 0.

mod cli_util;

use cli_util::{Served, TempDir, PATIENCE};
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

/// SIGINT with a request half received on a connection that has its own
/// thread (`threads`): the drain lets it finish, counts it, answers it
/// with `Connection: close`, and the process exits 0.
#[test]
fn sigint_drains_an_open_connection_and_exits_0() {
    let mut server =
        Served::start(&["http", "--bind", "127.0.0.1:0", "--concurrency", "threads", "--workers", "3"]);
    let bound = server.bound.clone();
    let mut conn = server.tcp();
    conn.write_all(b"GET / HTTP/1.1\r\nHost: test\r\n").unwrap();
    server.signal(libc::SIGINT);
    // The rest of the head follows the drain's start (the server logs
    // the signal just before it shuts down), so the request is under way
    // when the drain begins, whether or not its first half was read yet.
    let drained = server.wait_for_log(PATIENCE, |line| line.contains("received SIGINT: draining"));
    assert!(drained.is_some(), "the server never logged the signal:\n{}", server.log());
    conn.write_all(b"\r\n").unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("connection: close\r\n"), "{answer}");
    // Closing ends the server's linger after its answer at once.
    drop(conn);
    let (status, log) = server.wait_exit();
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(log.contains(&format!("bound={bound} strategy=threads")), "{log}");
    assert!(log.contains("1 in-flight request(s) at shutdown, 1 completed, 0 cut off"), "{log}");
}
