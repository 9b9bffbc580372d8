//! The HTTP access log: one `info` line per request with the client's
//! address (the real one behind a PROXY header), the request line, the
//! status, the bytes sent and the time taken; refused requests too.

mod util;

use parking_lot::Mutex;
use socketserver::http::{Http, HttpRequest, HttpResponse};
use socketserver::{Server, Tcp, ThreadPool};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Once;
use util::{serve, wait_until};

struct Recorder;

static RECORDS: Mutex<Vec<(log::Level, String, String)>> = Mutex::new(Vec::new());

impl log::Log for Recorder {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        let line = (record.level(), record.target().to_string(), record.args().to_string());
        RECORDS.lock().push(line);
    }

    fn flush(&self) {}
}

fn record_logs() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        log::set_logger(&Recorder).unwrap();
        log::set_max_level(log::LevelFilter::Info);
    });
}

/// The access lines that mention `text`.
fn access_lines(text: &str) -> Vec<String> {
    let records = RECORDS.lock();
    let access = records.iter().filter(|(level, target, line)| {
        *level == log::Level::Info && target == "socketserver::http::access_log" && line.contains(text)
    });
    access.map(|(_, _, line)| line.clone()).collect()
}

fn app(req: &HttpRequest) -> std::io::Result<HttpResponse> {
    Ok(HttpResponse::text(if req.path() == "/missing" { 404 } else { 200 }, "twelve bytes"))
}

/// Sends `request` and reads the whole answer (the request closes).
fn exchange(stream: &mut TcpStream, request: &[u8]) -> String {
    stream.write_all(request).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn each_response_logs_one_line_with_the_real_client() {
    record_logs();
    let server = Server::builder(Http::new(app))
        .concurrency(ThreadPool::new(2))
        .proxy_protocol(true)
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    let serving = serve(server);
    let mut stream = TcpStream::connect(serving.inet()).unwrap();
    let request = b"PROXY TCP4 127.0.0.2 127.0.0.1 41000 80\r\n\
        GET /page?x=1 HTTP/1.1\r\nHost: a\r\n\r\n\
        GET /missing HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    let answer = exchange(&mut stream, request);
    assert_eq!(answer.matches("twelve bytes").count(), 2, "{answer}");
    wait_until("two access lines", || access_lines("127.0.0.2:41000").len() == 2);
    let lines = access_lines("127.0.0.2:41000");
    assert!(lines[0].starts_with("127.0.0.2:41000 \"GET /page?x=1 HTTP/1.1\" 200 "), "{}", lines[0]);
    assert!(lines[1].starts_with("127.0.0.2:41000 \"GET /missing HTTP/1.1\" 404 "), "{}", lines[1]);
    let bytes: usize = lines[1].split(' ').nth(5).unwrap().parse().unwrap();
    let second = answer.find("HTTP/1.1 404").unwrap();
    assert_eq!(bytes, answer.len() - second, "the bytes sent: {}", lines[1]);
    assert!(lines[1].ends_with("ms"), "{}", lines[1]);
    serving.shutdown();
}

#[test]
fn the_http_layer_sees_the_client_behind_the_proxy() {
    let who = |req: &HttpRequest| Ok(HttpResponse::text(200, req.peer_addr().to_string()));
    let server = Server::builder(Http::new(who)).proxy_protocol(true).bind::<Tcp>("127.0.0.1:0").unwrap();
    let serving = serve(server);
    let mut stream = TcpStream::connect(serving.inet()).unwrap();
    let request =
        b"PROXY TCP6 2001:db8::7 ::1 50000 80\r\nGET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    let answer = exchange(&mut stream, request);
    assert!(answer.ends_with("\r\n\r\n[2001:db8::7]:50000"), "{answer}");
    serving.shutdown();
}

#[test]
fn a_refused_request_is_logged_with_its_status() {
    record_logs();
    let server = Server::builder(Http::new(app)).bind::<Tcp>("127.0.0.1:0").unwrap();
    let serving = serve(server);
    let mut stream = TcpStream::connect(serving.inet()).unwrap();
    let peer = stream.local_addr().unwrap().to_string();
    let answer = exchange(&mut stream, b"BREW / HTTP/1.1 extra\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    wait_until("the refusal's access line", || !access_lines(&peer).is_empty());
    assert!(access_lines(&peer)[0].starts_with(&format!("{peer} \"-\" 400 ")), "{:?}", access_lines(&peer));
    serving.shutdown();
}
