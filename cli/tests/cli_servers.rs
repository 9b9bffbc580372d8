//! Every bundled line server through the binary, over every transport:
//! started on port 0 (or a fresh socket path), stopped with SIGTERM.

mod cli_util;

use cli_util::{Served, TempDir};
use std::io::{BufRead, BufReader, Read, Write};

/// Starts `handler` on `transport` at a fresh address.
fn start(handler: &str, transport: &str) -> (Served, Option<TempDir>) {
    if transport.starts_with("unix") {
        let dir = TempDir::new("cli");
        let path = dir.unique_path(handler);
        let served = Served::start(&[handler, "--transport", transport, "--bind", path.to_str().unwrap()]);
        return (served, Some(dir));
    }
    (Served::start(&[handler, "--transport", transport, "--bind", "127.0.0.1:0"]), None)
}

/// Asks each message on one connection (a line each) or as one datagram
/// each, and returns the replies without their newline.
fn ask(server: &Served, transport: &str, messages: &[&str]) -> Vec<String> {
    match transport {
        "tcp" => ask_stream(server.tcp(), messages),
        "unix" => ask_stream(server.unix(), messages),
        "udp" => messages.iter().map(|m| text(server.udp_ask(m.as_bytes()))).collect(),
        _ => messages.iter().map(|m| text(server.unix_dgram_ask(m.as_bytes()))).collect(),
    }
}

fn ask_stream<S: Read + Write>(mut conn: S, messages: &[&str]) -> Vec<String> {
    let mut replies = Vec::new();
    for message in messages {
        conn.write_all(format!("{message}\n").as_bytes()).unwrap();
        let mut line = Vec::new();
        let mut byte = [0; 1];
        while line.last() != Some(&b'\n') {
            assert_eq!(conn.read(&mut byte).unwrap(), 1, "closed before replying to {message:?}");
            line.push(byte[0]);
        }
        replies.push(text(line));
    }
    replies
}

fn text(bytes: Vec<u8>) -> String {
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.ends_with('\n'), "replies end with a newline: {text:?}");
    text.trim_end_matches('\n').to_string()
}

const TRANSPORTS: [&str; 4] = ["tcp", "udp", "unix", "unix-dgram"];

/// Runs `check` against `handler` on each transport, stopping each
/// server with SIGTERM and expecting exit status 0.
fn on_every_transport(handler: &str, check: impl Fn(&Served, &str)) {
    for transport in TRANSPORTS {
        let (server, _path) = start(handler, transport);
        check(&server, transport);
        let log = server.stop_cleanly();
        assert!(log.contains(&format!("serving {handler} transport={transport} bound=")), "{log}");
    }
}

#[test]
fn address_book() {
    on_every_transport("address-book", |server, transport| {
        let replies = ask(server, transport, &["John", "denise", "PHOEBE", "Adam", "Bob"]);
        assert_eq!(replies, ["C45", "C44", "D52", "B23", "UNKNOWN NAME: Bob"], "{transport}");
    });
}

#[test]
fn datetime() {
    on_every_transport("datetime", |server, transport| {
        let replies = ask(server, transport, &["Date", "time", "Date and Time", "weather"]);
        let today = chrono::Local::now().format("%Y-%m-%d").to_string();
        let yesterday = (chrono::Local::now() - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
        assert!(replies[0] == today || replies[0] == yesterday, "{transport}: {replies:?}");
        assert!(is_time(&replies[1]), "{transport}: {replies:?}");
        let (date, time) = replies[2].split_once(' ').unwrap();
        assert_eq!(date.len(), 10, "{transport}: {replies:?}");
        assert!(is_time(&time[..8]) && time[8..].starts_with('.'), "{transport}: {replies:?}");
        assert_eq!(replies[3], "UNKNOWN OPTION: WEATHER", "{transport}");
    });
}

fn is_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 8
        && bytes[2] == b':'
        && bytes[5] == b':'
        && text.replace(':', "").bytes().all(|b| b.is_ascii_digit())
}

#[test]
fn reverse() {
    on_every_transport("reverse", |server, transport| {
        assert_eq!(ask(server, transport, &["stressed", "ñandú"]), ["desserts", "údnañ"], "{transport}");
    });
}

#[test]
fn ack() {
    on_every_transport("ack", |server, transport| {
        assert_eq!(ask(server, transport, &["hello"]), ["OK...hello"], "{transport}");
    });
}

/// Over a stream, what the server sends on connecting, to the end.
fn on_connect(server: &Served, transport: &str) -> String {
    let mut sent = String::new();
    match transport {
        "tcp" => server.tcp().read_to_string(&mut sent).unwrap(),
        _ => server.unix().read_to_string(&mut sent).unwrap(),
    };
    sent
}

#[test]
fn daytime_and_qotd_speak_first_and_close() {
    for handler in ["daytime", "qotd"] {
        on_every_transport(handler, |server, transport| {
            let sent = match transport {
                "tcp" | "unix" => on_connect(server, transport),
                "udp" => String::from_utf8(server.udp_ask(b"")).unwrap(),
                _ => String::from_utf8(server.unix_dgram_ask(b"x")).unwrap(),
            };
            assert!(sent.ends_with('\n') && sent.trim().len() > 5, "{handler} {transport}: {sent:?}");
            assert!(sent.chars().count() <= 513, "{handler} {transport}: {sent:?}");
            if handler == "daytime" {
                assert!(sent.contains(&chrono::Local::now().format("%Y").to_string()), "{sent:?}");
            }
        });
    }
}

#[test]
fn support_bot_streams_greet_and_diagnose() {
    for transport in ["tcp", "unix"] {
        let (server, _path) = start("support-bot", transport);
        let mut conn = BufReader::new(server.tcp_or_unix(transport));
        let mut greeting = String::new();
        while !greeting.contains('?') {
            assert!(conn.read_line(&mut greeting).unwrap() > 0, "{greeting:?}");
        }
        assert!(greeting.contains("lights on your router"), "{greeting:?}");
        conn.get_mut().write_all(b"no\n").unwrap();
        let mut reply = String::new();
        conn.read_line(&mut reply).unwrap();
        assert!(reply.contains("plugged in"), "{reply:?}");
        server.stop_cleanly();
    }
}

#[test]
fn support_bot_over_udp_keeps_two_peers_apart() {
    let (server, _path) = start("support-bot", "udp");
    let alice = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let bob = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let say = |socket: &std::net::UdpSocket, text: &str| {
        socket.set_read_timeout(Some(cli_util::PATIENCE)).unwrap();
        socket.send_to(text.as_bytes(), &server.bound).unwrap();
        let mut buf = vec![0; 65_536];
        let n = socket.recv(&mut buf).unwrap();
        String::from_utf8(buf[..n].to_vec()).unwrap()
    };
    assert!(say(&alice, "hello").contains("lights on your router"));
    assert!(say(&bob, "hi").contains("lights on your router"));
    assert!(say(&alice, "no").contains("plugged in"));
    // Bob is still at the first question: `yes` moves him to the restart.
    assert!(say(&bob, "yes").to_lowercase().contains("restart"));
    assert!(say(&alice, "yes").starts_with("Diagnosis"));
    server.stop_cleanly();
}

/// One HTTP/1.1 request with `Connection: close`; the whole response.
fn http_get<S: Read + Write>(mut conn: S, path: &str) -> String {
    conn.write_all(format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").as_bytes())
        .unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn http_hello_over_tcp_and_unix() {
    for transport in ["tcp", "unix"] {
        let (server, _path) = start("http", transport);
        let response = http_get(server.tcp_or_unix(transport), "/");
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{transport}: {response}");
        assert!(response.contains("Hello From Server at "), "{transport}: {response}");
        server.stop_cleanly();
    }
}

#[test]
fn static_serves_the_dir_given() {
    let sockets = TempDir::new("cli");
    let dir = TempDir::new("static");
    let dir = dir.path();
    std::fs::write(dir.join("hello.txt"), "static hello").unwrap();
    for transport in ["tcp", "unix"] {
        let socket = sockets.unique_path("static");
        let bind = if transport == "tcp" { "127.0.0.1:0" } else { socket.to_str().unwrap() };
        let server = Served::start(&[
            "static",
            "--dir",
            dir.to_str().unwrap(),
            "--transport",
            transport,
            "--bind",
            bind,
        ]);
        let response = http_get(server.tcp_or_unix(transport), "/hello.txt");
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
        assert!(response.ends_with("\r\n\r\nstatic hello"), "{response}");
        assert!(http_get(server.tcp_or_unix(transport), "/../etc/passwd").starts_with("HTTP/1.1 4"));
        server.stop_cleanly();
    }
}
