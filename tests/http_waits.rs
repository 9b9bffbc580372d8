//! HTTP connections wait in the poller, not in threads: half-sent heads,
//! clients that pipeline without reading, idle keep-alive connections and
//! slow downloads hold no worker, so a two-worker (or one-worker) pool
//! goes on serving everyone else. Each wait still ends at its deadline.

mod util;

use socket2::{Domain, Socket, Type};
use socketserver::http::{Http, HttpLimits, HttpRequest, HttpResponse};
use socketserver::{Server, ServerHandle, Tcp, ThreadPool};
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};
use util::{exchange, serve, wait_until, Client, TempDir, PATIENCE};

/// Clients that sent half a request head.
const HALF_HEADS: usize = 200;
/// Clients that pipeline requests and never read.
const PIPELINERS: usize = 100;
/// The body `/big` answers with: more than socket buffers hold.
const BIG: usize = 256 * 1024;

/// `/big` answers 256 KiB, everything else a short text.
fn app(req: &HttpRequest) -> io::Result<HttpResponse> {
    match req.path() {
        "/big" => Ok(HttpResponse::new(200).body(vec![b'b'; BIG])),
        path => Ok(HttpResponse::text(200, format!("hi {path}"))),
    }
}

/// A client socket with a small receive buffer, so a response it does
/// not read soon fills the path between it and the server.
fn small_window(addr: SocketAddr) -> TcpStream {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    socket.connect(&addr.into()).unwrap();
    let conn: TcpStream = socket.into();
    conn.set_read_timeout(Some(PATIENCE)).unwrap();
    conn
}

/// Sends `/big` requests without reading until the server stops taking
/// them (the socket would block): the server is then stuck writing.
fn pipeline_until_blocked(addr: SocketAddr) -> TcpStream {
    let mut conn = small_window(addr);
    conn.set_nonblocking(true).unwrap();
    let request = b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n".repeat(64);
    let deadline = Instant::now() + PATIENCE;
    loop {
        match conn.write(&request) {
            Ok(_) => {}
            Err(err) if err.kind() == ErrorKind::WouldBlock => return conn,
            Err(err) => panic!("pipelining failed: {err}"),
        }
        assert!(Instant::now() < deadline, "the server kept reading a client that never reads");
    }
}

#[test]
fn slow_clients_wait_in_the_poller_while_a_small_pool_serves_others() {
    let server = Server::builder(Http::new(app))
        .concurrency(ThreadPool::new(2))
        .max_connections(HALF_HEADS + PIPELINERS + 16)
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    let handle: ServerHandle = server.handle().clone();
    let server = serve(server);

    let mut half_heads = Vec::new();
    for _ in 0..HALF_HEADS {
        let mut conn = TcpStream::connect(server.inet()).unwrap();
        conn.write_all(b"GET /slow HTTP/1.1\r\nHo").unwrap();
        half_heads.push(conn);
    }
    let pipeliners: Vec<TcpStream> = (0..PIPELINERS).map(|_| pipeline_until_blocked(server.inet())).collect();

    let mut normal = server.connect();
    for round in 0..50 {
        normal.send(format!("GET /{round} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
        let response = normal.response(false);
        assert_eq!((response.status, response.text()), (200, format!("hi /{round}")));
        let fresh = exchange(server.inet(), b"GET /fresh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assert_eq!(fresh.text(), "hi /fresh");
    }

    let waiting = (HALF_HEADS + PIPELINERS) as u64;
    wait_until("every slow connection waiting in the poller", || handle.stats().waiting >= waiting);
    let stats = handle.stats();
    assert_eq!(stats.blocking, 0, "a thread is blocked on a client: {stats:?}");
    drop((half_heads, pipeliners));
}

#[test]
fn a_keep_alive_connection_idle_past_idle_timeout_is_closed() {
    let server = Server::builder(Http::new(app))
        .concurrency(ThreadPool::new(1))
        .idle_timeout(Duration::from_millis(200))
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    let handle = server.handle().clone();
    let server = serve(server);
    let mut client = server.connect();
    client.send(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
    let response = client.response(false);
    assert_eq!(response.text(), "hi /a");
    assert!(!response.closes(), "the first response must keep the connection");
    assert!(client.at_eof(), "the idle connection was not closed");
    assert_eq!(handle.stats().blocking, 0);
}

#[test]
fn a_slow_head_gets_408_at_header_timeout_while_others_are_served() {
    let mut limits = HttpLimits::default();
    limits.header_timeout = Some(Duration::from_millis(300));
    let server = Server::builder(Http::new(app).limits(limits))
        .concurrency(ThreadPool::new(1))
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    let handle = server.handle().clone();
    let server = serve(server);
    let mut slow = server.connect();
    slow.send(b"GET /slow HTTP/1.1\r\nHost: x\r\n");
    let other = exchange(server.inet(), b"GET /other HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(other.text(), "hi /other");
    assert_eq!(handle.stats().blocking, 0);
    let response = slow.response(false);
    assert_eq!(response.status, 408, "{response:?}");
    assert!(response.closes());
    assert!(slow.at_eof());
}

#[test]
fn a_pipelining_client_that_reads_late_gets_every_response_in_order() {
    let server = serve(
        Server::builder(Http::new(app)).concurrency(ThreadPool::new(1)).bind::<Tcp>("127.0.0.1:0").unwrap(),
    );
    let mut late = Client::from_stream(small_window(server.inet()));
    let mut requests = b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n".repeat(20);
    requests.extend_from_slice(b"GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    late.send(&requests);
    for round in 0..10 {
        let path = format!("/other{round}");
        let other = exchange(server.inet(), format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
        assert_eq!(other.text(), format!("hi {path}"));
    }
    for _ in 0..20 {
        let response = late.response(false);
        assert!(response.body == vec![b'b'; BIG], "a /big response of {} bytes", response.body.len());
    }
    assert_eq!(late.response(false).text(), "hi /last");
    assert!(late.at_eof());
}

#[cfg(unix)]
mod static_files {
    use super::*;
    use socketserver::handlers::StaticFiles;

    /// The file the slow client downloads.
    const FILE: usize = 8 * 1024 * 1024;

    /// Byte `i` of the file: a pattern that shows a lost or repeated chunk.
    fn byte(i: usize) -> u8 {
        (i % 251) as u8
    }

    #[test]
    fn a_slow_reader_downloads_a_large_file_while_one_worker_serves_others() {
        let dir = TempDir::new("waits");
        let root = dir.path();
        let content: Vec<u8> = (0..FILE).map(byte).collect();
        std::fs::write(root.join("large.bin"), &content).unwrap();
        std::fs::write(root.join("small.txt"), "small").unwrap();
        let server = Server::builder(Http::new(StaticFiles::new(root).unwrap()))
            .concurrency(ThreadPool::new(1))
            .bind::<Tcp>("127.0.0.1:0")
            .unwrap();
        let handle = server.handle().clone();
        let server = serve(server);

        let mut slow = small_window(server.inet());
        slow.write_all(b"GET /large.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let mut received = Vec::with_capacity(FILE + 1024);
        let mut burst = vec![0; 256 * 1024];
        let mut others = 0;
        loop {
            // Between bursts the only worker serves another client, so it
            // is not held by the download.
            let small =
                exchange(server.inet(), b"GET /small.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assert_eq!(small.text(), "small");
            assert_eq!(handle.stats().blocking, 0);
            others += 1;
            let mut read = 0;
            while read < burst.len() {
                match slow.read(&mut burst[read..]).unwrap() {
                    0 => break,
                    n => read += n,
                }
            }
            received.extend_from_slice(&burst[..read]);
            if read < burst.len() {
                break;
            }
        }
        let head_end = received.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        let head = String::from_utf8_lossy(&received[..head_end]);
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert!(head.contains(&format!("Content-Length: {FILE}\r\n")), "{head}");
        assert!(received[head_end..] == content[..], "the file arrived damaged");
        assert!(others > 8, "only {others} other clients served meanwhile");
    }
}
