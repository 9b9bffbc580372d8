//! The HTTP access log of the binary: one `info` line per request at the
//! default level; `--log-level warn` turns it off, and so does
//! `--no-access-log` (the other `info` lines stay).

mod cli_util;

use cli_util::{binary, Served, TempDir, PATIENCE};
use std::io::{Read, Write};
use std::os::unix::net::{UnixDatagram, UnixStream};

fn get(served: &Served, path: &str) -> String {
    let mut stream = served.tcp();
    let request = format!("GET {path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn each_request_is_logged_at_info() {
    let mut served = Served::start(&["http", "--bind", "127.0.0.1:0"]);
    assert!(get(&served, "/").starts_with("HTTP/1.1 200"));
    served.wait_for_log(PATIENCE, |line| line.contains("\"GET / HTTP/1.1\" 200 ")).expect("an access line");
    assert!(get(&served, "/missing?q=1").starts_with("HTTP/1.1 404"));
    let line = served.wait_for_log(PATIENCE, |line| line.contains("\"GET /missing?q=1 HTTP/1.1\" 404 "));
    let line = line.expect("an access line");
    assert!(line.contains("[INFO] 127.0.0.1:"), "{line}");
    assert!(line.ends_with("ms"), "{line}");
    served.stop_cleanly();
}

/// At `warn` not even the `bound=` line is logged: readiness comes from
/// `NOTIFY_SOCKET`, and the server listens on a known socket file.
#[test]
fn log_level_warn_turns_it_off() {
    let dir = TempDir::new("quiet");
    let path = dir.path().join("quiet.sock");
    let notify_path = dir.path().join("notify.sock");
    let notify = UnixDatagram::bind(&notify_path).unwrap();
    notify.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut command = binary();
    command.env("NOTIFY_SOCKET", &notify_path);
    let bind = path.to_str().unwrap();
    let args = ["serve", "http", "--transport", "unix", "--bind", bind, "--log-level", "warn"];
    let served = Served::launch(command, &args);
    let mut buf = [0u8; 256];
    let n = notify.recv(&mut buf).expect("READY=1 within PATIENCE");
    assert!(buf[..n].starts_with(b"READY=1"));
    let mut stream = UnixStream::connect(&path).unwrap();
    stream.write_all(b"GET /quiet HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    let (status, log) = served.stop();
    assert_eq!(status.code(), Some(0));
    assert!(!log.contains("/quiet") && !log.contains("[INFO]"), "info lines at --log-level warn:\n{log}");
}

#[test]
fn no_access_log_keeps_the_other_info_lines() {
    let served = Served::start(&["http", "--bind", "127.0.0.1:0", "--no-access-log"]);
    assert!(get(&served, "/unlogged").starts_with("HTTP/1.1 404"));
    let log = served.stop_cleanly();
    assert!(!log.contains("/unlogged"), "an access line with --no-access-log:\n{log}");
}
