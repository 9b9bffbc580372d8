//! The server's counters as traffic moves them, and their Prometheus
//! exposition (feature `metrics`), checked by `promtool check metrics`
//! when it is installed (Debian's `prometheus` package).

mod util;

use socketserver::http::{Http, HttpRequest, HttpResponse};
use socketserver::metrics::Exposition;
use socketserver::{Address, Hooks, Server, Stats, Tcp, ThreadPool};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;
use util::{serve, serve_http, wait_until, PATIENCE};

/// `/` answers 200, anything else 404.
fn app() -> Http<impl Fn(&HttpRequest) -> std::io::Result<HttpResponse>> {
    Http::new(|req: &HttpRequest| {
        Ok(match req.path() {
            "/" => HttpResponse::text(200, "hello\n"),
            _ => HttpResponse::text(404, "not here\n"),
        })
    })
}

/// Sends `bytes` on a new connection and reads until the server closes it.
fn converse(addr: std::net::SocketAddr, bytes: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(bytes).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    answer
}

#[test]
fn http_traffic_moves_the_counters_exactly() {
    let serving = serve_http(app());
    let asked: &[u8] = b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /nope HTTP/1.1\r\nHost: a\r\n\r\n\
        GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    let first = converse(serving.inet(), asked);
    let second = converse(serving.inet(), b"NOT HTTP\r\n\r\n");
    wait_until("both connections counted closed", || serving.server.stats().bytes_sent > first.len() as u64);
    let stats = serving.server.stats();
    assert_eq!(stats.accepted, 2);
    assert_eq!(stats.served, 2);
    assert_eq!(stats.http_responses, [0, 2, 0, 2, 0]);
    assert_eq!(stats.durations.count(), 4);
    assert_eq!(stats.bytes_received, (asked.len() + b"NOT HTTP\r\n\r\n".len()) as u64);
    assert_eq!(stats.bytes_sent, (first.len() + second.len()) as u64);
    assert_eq!(stats.threads, 4);
    let text = Exposition::new().add(&[("handler", "app")], &stats).render();
    assert!(text.contains("socketserver_http_responses_total{handler=\"app\",code=\"4xx\"} 2\n"), "{text}");
    assert!(text.contains("socketserver_connections_accepted_total{handler=\"app\"} 2\n"), "{text}");
    assert!(text.contains("socketserver_request_duration_seconds_count{handler=\"app\"} 4\n"), "{text}");
    promtool_accepts(&text);
}

#[test]
fn an_idle_connection_closed_by_its_deadline_counts_as_timed_out() {
    let server = Server::builder(app())
        .concurrency(ThreadPool::new(2))
        .idle_timeout(Duration::from_millis(20))
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    let serving = serve(server);
    let mut stream = TcpStream::connect(serving.inet()).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    assert_eq!(stream.read(&mut [0; 16]).unwrap(), 0, "the server closes the idle connection");
    wait_until("the timeout counted", || serving.server.stats().timed_out == 1);
}

struct RefuseAll;

impl Hooks for RefuseAll {
    fn verify_request(&self, _peer: &Address) -> bool {
        false
    }
}

#[test]
fn refused_connections_are_counted() {
    let server = Server::builder(app()).hooks(RefuseAll).bind::<Tcp>("127.0.0.1:0").unwrap();
    let serving = serve(server);
    let mut stream = TcpStream::connect(serving.inet()).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    assert!(matches!(stream.read(&mut [0; 16]), Ok(0) | Err(_)), "the server closes a refused connection");
    wait_until("the refusal counted", || serving.server.stats().refused == 1);
    assert_eq!(serving.server.stats().accepted, 1);
}

#[test]
fn labels_are_escaped_and_every_family_is_written_once() {
    let stats = Stats::default();
    let text =
        Exposition::new().add(&[("child", "a\"b\\c\nd")], &stats).add(&[("child", "2")], &stats).render();
    assert!(text.contains("socketserver_panics_total{child=\"a\\\"b\\\\c\\nd\"} 0\n"), "{text}");
    assert_eq!(text.matches("# TYPE socketserver_panics_total counter\n").count(), 1);
    assert_eq!(text.matches("socketserver_request_duration_seconds_bucket{child=\"2\",").count(), 17);
    promtool_accepts(&text);
    let single = Exposition::new().add(&[], &stats).render();
    assert!(single.contains("\nsocketserver_requests_total 0\n"), "{single}");
    promtool_accepts(&single);
}

#[test]
#[should_panic(expected = "not a usable Prometheus label name")]
fn a_bad_label_name_panics() {
    Exposition::new().add(&[("le", "1")], &Stats::default());
}

/// Runs `promtool check metrics` on `text`, if promtool is installed.
fn promtool_accepts(text: &str) {
    let Ok(mut child) = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        eprintln!("skipping promtool check metrics: promtool is not installed (Debian package `prometheus`)");
        return;
    };
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && said.trim().is_empty(), "promtool check metrics: {said}\n{text}");
}
