//! Hostile TLS clients: plaintext to a TLS port, garbage and truncated
//! ClientHellos, handshakes that never finish, a reset mid-record, 10 MiB
//! of records sent without reading. Each costs its own connection only,
//! logged at `debug`; no worker is held, no panic.

mod util;

use socketserver::handlers::Hello;
use socketserver::http::Http;
use socketserver::tls::rustls::{self, pki_types::ServerName, ClientConnection};
use socketserver::{Server, ThreadPool, Tls};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};
use util::tls::{connect, TestCert};
use util::{capture_logs, logs, serve, wait_until, Serving, PATIENCE};

const HANDSHAKE: Duration = Duration::from_secs(2);
const WORKERS: usize = 4;

type Running = Serving<Tls, ThreadPool, Http<Hello>>;

fn start(cert: &TestCert) -> Running {
    capture_logs();
    let tls = cert.server_config().alpn(&[b"http/1.1"]).handshake_timeout(HANDSHAKE);
    let server = Server::builder(Http::new(Hello))
        .concurrency(ThreadPool::new(WORKERS))
        .write_timeout(Duration::from_secs(1))
        .max_connections(500)
        .bind_tls("127.0.0.1:0", tls)
        .unwrap();
    serve(server)
}

/// A normal client's GET over TLS; how long it took.
fn normal_get(addr: SocketAddr, cert: &TestCert) -> Duration {
    let started = Instant::now();
    let mut client = connect(addr, cert.client_config(&[b"http/1.1"]), "localhost");
    client.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = Vec::new();
    let _ = client.read_to_end(&mut response);
    assert!(response.starts_with(b"HTTP/1.1 200 OK\r\n"), "{}", String::from_utf8_lossy(&response));
    started.elapsed()
}

/// The bytes of a real ClientHello.
fn client_hello(cert: &TestCert) -> Vec<u8> {
    let name = ServerName::try_from("localhost").unwrap();
    let mut conn = ClientConnection::new(cert.client_config(&[]), name).unwrap();
    let mut hello = Vec::new();
    conn.write_tls(&mut hello).unwrap();
    assert!(hello.len() > 100 && hello[0] == 0x16, "not a handshake record: {hello:?}");
    hello
}

/// Sends `bytes` on a fresh connection (then, with `eof`, closes the
/// write side) and waits for the server to close it: how long that took.
fn closed_after(addr: SocketAddr, bytes: &[u8], eof: bool) -> Duration {
    let mut tcp = TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(PATIENCE)).unwrap();
    let started = Instant::now();
    tcp.write_all(bytes).unwrap();
    if eof {
        tcp.shutdown(std::net::Shutdown::Write).unwrap();
    }
    let mut sink = [0u8; 1024];
    loop {
        match tcp.read(&mut sink) {
            Ok(0) => return started.elapsed(),
            // An alert saying why, before the close.
            Ok(_) => {}
            Err(err) if err.kind() == ErrorKind::WouldBlock => panic!("the server kept the connection open"),
            Err(_) => return started.elapsed(),
        }
    }
}

fn assert_logged_debug(part: &str) {
    let logs = logs().lock();
    assert!(
        logs.iter().any(|(level, line)| *level == log::Level::Debug && line.contains(part)),
        "no debug line with {part:?}"
    );
    assert!(
        !logs.iter().any(|(level, line)| *level <= log::Level::Warn && line.contains("TLS")),
        "TLS logged above debug"
    );
}

#[test]
fn plaintext_garbage_and_truncated_hellos_cost_one_connection() {
    let cert = TestCert::new("tlsh-bad");
    let serving = start(&cert);
    let addr = serving.inet();
    let hello = client_hello(&cert);
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let mut bad_record = vec![0x16, 0x03, 0x01, 0x00, 0x40];
    bad_record.extend_from_slice(&[0xee; 0x40]);
    let cases: [(&str, &[u8], bool); 5] = [
        ("plaintext HTTP", b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", false),
        ("garbage", &garbage, false),
        ("a handshake record of garbage", &bad_record, false),
        ("half a ClientHello, then EOF", &hello[..hello.len() / 2], true),
        ("a record header only, then EOF", &hello[..3], true),
    ];
    for (what, bytes, eof) in cases {
        let took = closed_after(addr, bytes, eof);
        assert!(took < HANDSHAKE, "{what}: closed after {took:?}, not at once");
        normal_get(addr, &cert);
    }
    assert_logged_debug("TLS handshake with");
    let (server, _) = serving.shutdown();
    assert_eq!(server.stats().panics, 0);
}

#[test]
fn stalled_handshakes_hold_no_worker_and_close_at_the_deadline() {
    let cert = TestCert::new("tlsh-stall");
    let serving = start(&cert);
    let addr = serving.inet();
    let hello = client_hello(&cert);
    let started = Instant::now();
    let mut stalled: Vec<TcpStream> = (0..100)
        .map(|i| {
            let mut tcp = TcpStream::connect(addr).unwrap();
            // Half send part of a ClientHello, half send nothing at all.
            if i % 2 == 0 {
                tcp.write_all(&hello[..hello.len() / 2]).unwrap();
            }
            tcp
        })
        .collect();
    wait_until("the stalled handshakes to wait in the poller", || serving.server.stats().waiting >= 100);
    assert_eq!(serving.server.stats().blocking, 0);
    let took = normal_get(addr, &cert);
    assert!(
        took < HANDSHAKE / 2,
        "a normal client waited {took:?} behind 100 stalled handshakes and {WORKERS} workers"
    );
    for tcp in &mut stalled {
        tcp.set_read_timeout(Some(PATIENCE)).unwrap();
        let mut byte = [0u8; 1];
        match tcp.read(&mut byte) {
            Ok(0) | Err(_) => {}
            Ok(_) => panic!("a stalled handshake got an answer"),
        }
    }
    let all_closed = started.elapsed();
    assert!(all_closed >= HANDSHAKE, "closed after {all_closed:?}, before the handshake deadline");
    assert!(all_closed < HANDSHAKE + Duration::from_secs(3), "closed only after {all_closed:?}");
    wait_until("the server to hold no connection", || serving.server.stats().waiting == 0);
    assert_logged_debug("did not finish within");
    serving.shutdown();
}

/// A client completes the handshake, then resets in the middle of a
/// record.
#[test]
fn a_reset_mid_record_costs_one_connection() {
    let cert = TestCert::new("tlsh-reset");
    let serving = start(&cert);
    let addr = serving.inet();
    for _ in 0..20 {
        let mut client = connect(addr, cert.client_config(&[b"http/1.1"]), "localhost");
        client.conn.complete_io(&mut client.sock).unwrap();
        // An application-data record announcing 1000 bytes, 10 sent.
        client.sock.write_all(&[0x17, 0x03, 0x03, 0x03, 0xe8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).unwrap();
        socket2::SockRef::from(&client.sock).set_linger(Some(Duration::ZERO)).unwrap();
    }
    normal_get(addr, &cert);
    wait_until("the reset connections to be closed", || serving.server.stats().waiting == 0);
    let (server, _) = serving.shutdown();
    assert_eq!(server.stats().panics, 0);
}

/// A client pipelines 10 MiB of requests in TLS records and reads
/// nothing: the server stops reading when its replies back up, the
/// connection is closed at the write timeout, and a normal client is
/// served meanwhile.
#[test]
fn ten_mib_of_records_without_reading_is_contained() {
    let cert = TestCert::new("tlsh-flood");
    let serving = start(&cert);
    let addr = serving.inet();
    let name = ServerName::try_from("localhost").unwrap();
    let conn = ClientConnection::new(cert.client_config(&[b"http/1.1"]), name).unwrap();
    // A small receive window, so the replies back up at once rather than
    // after the kernel has buffered megabytes of them.
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    socket.connect(&addr.into()).unwrap();
    let tcp: TcpStream = socket.into();
    tcp.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut attacker = rustls::StreamOwned::new(conn, tcp);
    attacker.conn.complete_io(&mut attacker.sock).unwrap();
    attacker.sock.set_write_timeout(Some(Duration::from_millis(200))).unwrap();
    let requests = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".repeat(1024);
    let mut sent = 0;
    while sent < 10 << 20 {
        match attacker.write_all(&requests) {
            Ok(()) => sent += requests.len(),
            Err(_) => break,
        }
    }
    eprintln!("the attacker got {} KiB in before the server stopped reading", sent >> 10);
    let took = normal_get(addr, &cert);
    assert!(took < Duration::from_secs(1), "a normal client waited {took:?}");
    assert_eq!(serving.server.stats().blocking, 0);
    wait_until("the flooding connection to be closed", || serving.server.stats().active == 0);
    assert_logged_debug("response not read within write_timeout");
    let (server, _) = serving.shutdown();
    assert_eq!(server.stats().panics, 0);
}

/// Greets, then closes: a raw handler, whose first write runs the
/// handshake on the blocking socket.
struct Greet;

impl socketserver::RequestHandler<socketserver::Connection> for Greet {
    fn handle(&self, conn: &mut socketserver::Connection) -> std::io::Result<()> {
        conn.write_all(b"hi\n")
    }
}

/// A raw handler owns its connection, so a stalled handshake holds its
/// worker, but no longer than the handshake deadline.
#[test]
fn a_raw_handler_is_held_by_a_stalled_handshake_no_longer_than_its_deadline() {
    let cert = TestCert::new("tlsh-raw");
    let deadline = Duration::from_millis(700);
    let tls = cert.server_config().handshake_timeout(deadline);
    let server = Server::builder(Greet).concurrency(ThreadPool::new(1)).bind_tls("127.0.0.1:0", tls).unwrap();
    let serving = serve(server);
    let started = Instant::now();
    let mut stalled = TcpStream::connect(serving.inet()).unwrap();
    stalled.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut byte = [0u8; 1];
    assert!(matches!(stalled.read(&mut byte), Ok(0) | Err(_)), "a stalled handshake got an answer");
    let took = started.elapsed();
    assert!(took >= deadline, "closed after {took:?}, before the handshake deadline");
    assert!(took < deadline + Duration::from_secs(3), "held for {took:?}");
    // The one worker is free again.
    let mut client = connect(serving.inet(), cert.client_config(&[]), "localhost");
    let mut greeting = [0u8; 3];
    client.read_exact(&mut greeting).unwrap();
    assert_eq!(&greeting, b"hi\n");
    serving.shutdown();
}
