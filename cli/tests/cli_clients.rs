//! The client subcommands: `client` (one-shot and interactive, TCP, UDP
//! and Unix), `resolve` and `get`.

mod cli_util;

use cli_util::{run, Served, TempDir};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::thread;

#[test]
fn client_send_is_one_shot() {
    let server = Served::start(&["address-book", "--bind", "127.0.0.1:0"]);
    let ran = run(&["client", &server.bound, "--send", "John"], "");
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert_eq!(ran.stdout, "C45\n");
    server.stop_cleanly();
}

#[test]
fn client_is_interactive_until_minus_one() {
    let server = Served::start(&["datetime", "--bind", "127.0.0.1:0"]);
    let ran = run(&["client", &server.bound], "Date\nhello\n-1\nTime\n");
    assert_eq!(ran.code, Some(0), "{ran:?}");
    let lines: Vec<&str> = ran.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{ran:?}");
    assert_eq!(lines[0].len(), "2019-02-19".len(), "{ran:?}");
    assert_eq!(lines[1], "UNKNOWN OPTION: HELLO");
    // End of input quits too.
    let ran = run(&["client", &server.bound], "Date\n");
    assert_eq!((ran.code, ran.stdout.lines().count()), (Some(0), 1), "{ran:?}");
    server.stop_cleanly();
}

#[test]
fn client_prints_a_greeting_and_notices_the_close() {
    let server = Served::start(&["daytime", "--bind", "127.0.0.1:0"]);
    let ran = run(&["client", &server.bound], "");
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(ran.stdout.contains(&chrono::Local::now().format("%Y").to_string()), "{ran:?}");
    assert!(ran.stderr.contains("closed the connection"), "{ran:?}");
    server.stop_cleanly();
}

#[test]
fn client_over_udp_and_unix() {
    let server = Served::start(&["reverse", "--transport", "udp", "--bind", "127.0.0.1:0"]);
    let ran = run(&["client", &server.bound, "--udp"], "abc\nxyz\n");
    assert_eq!((ran.code, ran.stdout.as_str()), (Some(0), "cba\nzyx\n"), "{ran:?}");
    server.stop_cleanly();

    let dir = TempDir::new("cli");

    let path = dir.path().join("client.sock");
    let server = Served::start(&["ack", "--transport", "unix", "--bind", path.to_str().unwrap()]);
    let ran = run(&["client", path.to_str().unwrap(), "--send", "hi"], "");
    assert_eq!((ran.code, ran.stdout.as_str()), (Some(0), "OK...hi\n"), "{ran:?}");
    server.stop_cleanly();
}

#[test]
fn client_to_nowhere_fails_with_status_1() {
    let free = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
    let ran = run(&["client", &free, "--send", "x"], "");
    assert_eq!(ran.code, Some(1), "{ran:?}");
    assert!(ran.stderr.contains(&format!("cannot connect to {free}")), "{ran:?}");
    let ran = run(&["client", "no-port-here", "--send", "x"], "");
    assert_eq!(ran.code, Some(2), "{ran:?}");
    assert!(ran.stderr.contains("give HOST:PORT"), "{ran:?}");
}

#[test]
fn resolve_localhost_prints_a_loopback_address() {
    let ran = run(&["resolve", "localhost"], "");
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(ran.stdout.lines().any(|ip| ip == "127.0.0.1" || ip == "::1"), "{ran:?}");
    let ran = run(&["resolve", "no-such-host.invalid"], "");
    assert_eq!(ran.code, Some(1), "{ran:?}");
    assert!(ran.stderr.contains("cannot resolve `no-such-host.invalid`"), "{ran:?}");
}

/// A one-request HTTP server: returns the request it read, after
/// answering with `response`.
fn http_once(response: &'static str) -> (String, thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let serving = thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(conn.try_clone().unwrap());
        let mut request = String::new();
        while !request.ends_with("\r\n\r\n") {
            assert!(reader.read_line(&mut request).unwrap() > 0);
        }
        (&conn).write_all(response.as_bytes()).unwrap();
        request
    });
    (addr, serving)
}

#[test]
fn get_prints_the_response_and_the_throughput() {
    const RESPONSE: &str = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello";
    let (addr, serving) = http_once(RESPONSE);
    let ran = run(&["get", &format!("http://{addr}/a/b?c=d")], "");
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert_eq!(ran.stdout, RESPONSE);
    assert!(ran.stderr.contains(&format!("{} bytes in ", RESPONSE.len())), "{ran:?}");
    assert!(ran.stderr.contains("/s"), "{ran:?}");
    let request = serving.join().unwrap();
    assert!(request.starts_with("GET /a/b?c=d HTTP/1.1\r\n"), "{request:?}");
    assert!(request.contains(&format!("Host: {addr}\r\n")), "{request:?}");
}

#[test]
fn get_head_sends_head_and_stops_after_the_headers() {
    const RESPONSE: &str = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
    let (addr, serving) = http_once(RESPONSE);
    let ran = run(&["get", &format!("http://{addr}"), "--head"], "");
    assert_eq!((ran.code, ran.stdout.as_str()), (Some(0), RESPONSE), "{ran:?}");
    assert!(serving.join().unwrap().starts_with("HEAD / HTTP/1.1\r\n"));
}

#[test]
fn get_refuses_other_schemes() {
    // https is served: cli_tls.rs.
    let ran = run(&["get", "ftp://example.com/"], "");
    assert_eq!(ran.code, Some(2), "{ran:?}");
    assert!(ran.stderr.contains("give an http:// or https:// URL"), "{ran:?}");
}

#[test]
fn get_reads_to_the_end_without_a_length() {
    const RESPONSE: &str = "HTTP/1.0 200 OK\r\n\r\nuntil close";
    let (addr, serving) = http_once(RESPONSE);
    let ran = run(&["get", &format!("http://{addr}/")], "");
    serving.join().unwrap();
    assert_eq!((ran.code, ran.stdout.as_str()), (Some(0), RESPONSE), "{ran:?}");
}
