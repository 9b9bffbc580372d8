//! The HTTP layer over raw sockets: statuses, framing, keep-alive,
//! pipelining, failures, drain.

mod util;

use socketserver::handlers::Hello;
use socketserver::http::{Http, HttpHandler, HttpLimits, HttpRequest, HttpResponse};
use socketserver::{Server, SingleThread, Strategy, StrategyKind, Tcp, ThreadPerConnection, ThreadPool};
use std::io;
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use util::{exchange, refused, serve, serve_http, Client, HttpServing, TempDir, PATIENCE};

/// Answers with the method, path and body it was sent; panics on
/// `/panic`, fails on `/error`, tries header injection on `/inject`.
struct Probe;

impl HttpHandler for Probe {
    fn respond(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        match req.path() {
            "/panic" => panic!("the probe was asked to panic"),
            "/error" => Err(io::Error::other("the probe was asked to fail")),
            "/inject" => HttpResponse::text(200, "no").header("X-Evil", "a\r\nSet-Cookie: pwned=1"),
            path => {
                let mut text = format!("{} {} ", req.method(), path).into_bytes();
                text.extend_from_slice(req.body());
                Ok(HttpResponse::new(200).body(text))
            }
        }
    }
}

fn probe_with(limits: HttpLimits) -> HttpServing<Probe> {
    serve_http(Http::new(Probe).limits(limits))
}

fn probe() -> HttpServing<Probe> {
    probe_with(HttpLimits::default())
}

#[test]
fn hello_answers_get_head_and_404() {
    let server = serve_http(Http::new(Hello));
    let mut client = server.connect();
    client.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    let get = client.response(false);
    assert_eq!(get.status, 200);
    assert!(get.text().starts_with("Hello From Server at "), "{}", get.text());
    assert!(get.header("date").is_some_and(|d| d.ends_with(" GMT")));
    assert!(get.header("server").is_some_and(|s| s.starts_with("socketserver/")));
    assert_eq!(get.header("content-type"), Some("text/plain; charset=utf-8"));

    client.send(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET /other HTTP/1.1\r\nHost: x\r\n\r\n");
    let head = client.response(true);
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), get.header("content-length"));
    let missing = client.response(false);
    assert_eq!(missing.status, 404, "HEAD sent a body, or 404 is missing: {missing:?}");

    client.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    let post = client.response(false);
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
}

#[test]
fn status_414_for_a_long_request_line() {
    let server = probe();
    let long = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(9000));
    assert_eq!(refused(server.inet(), long.as_bytes()).status, 414);
    // Over the limit before its end has even arrived.
    let unfinished = format!("GET /{}", "a".repeat(9000));
    assert_eq!(refused(server.inet(), unfinished.as_bytes()).status, 414);
}

#[test]
fn status_431_for_large_or_many_headers() {
    let server = probe();
    let large = format!("GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "b".repeat(40_000));
    assert_eq!(refused(server.inet(), large.as_bytes()).status, 431);
    let many: String = (0..101).map(|i| format!("X-{i}: v\r\n")).collect();
    let many = format!("GET / HTTP/1.1\r\nHost: x\r\n{many}\r\n");
    assert_eq!(refused(server.inet(), many.as_bytes()).status, 431);
}

#[test]
fn status_413_for_a_large_body() {
    let mut limits = HttpLimits::default();
    limits.max_body_size = 10;
    let server = probe_with(limits);
    let declared = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world";
    assert_eq!(refused(server.inet(), declared).status, 413);
    let chunked = b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n";
    assert_eq!(refused(server.inet(), chunked).status, 413);
    let fits = exchange(server.inet(), b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhelloworld");
    assert_eq!(fits.text(), "POST / helloworld");
}

#[test]
fn status_400_for_malformed_requests() {
    let server = probe();
    for bad in [
        &b"GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n",
        b"GET  /  HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTX/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello",
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n",
    ] {
        let response = refused(server.inet(), bad);
        assert_eq!(response.status, 400, "for {:?}: {}", String::from_utf8_lossy(bad), response.text());
    }
}

#[test]
fn status_400_and_close_for_ambiguous_framing() {
    let server = probe();
    // Each carries a second request a lenient parser would find: it must
    // never be answered.
    let smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    let conflicting = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: {}\r\n\r\n{smuggled}",
        smuggled.len()
    );
    let both = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n{smuggled}",
        smuggled.len() + 5
    );
    for bad in [conflicting, both] {
        let response = refused(server.inet(), bad.as_bytes());
        assert_eq!(response.status, 400, "{}", response.text());
        assert!(!response.text().contains("smuggled"));
    }
    // Identical duplicates are one length (RFC 9110 §8.6).
    let same = exchange(server.inet(), b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2, 2\r\n\r\nok");
    assert_eq!(same.text(), "POST / ok");
}

#[test]
fn status_501_505_and_417() {
    let server = probe();
    assert_eq!(refused(server.inet(), b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n").status, 501);
    assert_eq!(
        refused(server.inet(), b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
            .status,
        501
    );
    assert_eq!(refused(server.inet(), b"GET / HTTP/2.0\r\nHost: x\r\n\r\n").status, 505);
    assert_eq!(refused(server.inet(), b"GET / HTTP/3\r\nHost: x\r\n\r\n").status, 505);
    assert_eq!(refused(server.inet(), b"GET / HTTP/1.1\r\nHost: x\r\nExpect: coffee\r\n\r\n").status, 417);
}

#[test]
fn status_408_for_a_slow_head() {
    let mut limits = HttpLimits::default();
    limits.header_timeout = Some(Duration::from_millis(200));
    let server = probe_with(limits);
    let began = Instant::now();
    let mut client = server.connect();
    client.send(b"GET / HTTP/1.1\r\nHost: x\r\n");
    let response = client.response(false);
    assert_eq!(response.status, 408);
    assert!(response.closes());
    assert!(client.at_eof());
    assert!(began.elapsed() < Duration::from_secs(5), "408 took {:?}", began.elapsed());
}

#[test]
fn status_408_for_a_stalled_body() {
    let server = serve(
        Server::builder(Http::new(Probe))
            .read_timeout(Duration::from_millis(200))
            .bind::<Tcp>("127.0.0.1:0")
            .unwrap(),
    );
    let mut client = server.connect();
    client.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhalf");
    let response = client.response(false);
    assert_eq!(response.status, 408);
    assert!(client.at_eof());
}

#[test]
fn status_500_for_errors_and_panics_and_the_connection_lives_on() {
    let server = probe();
    let mut client = server.connect();
    client.send(b"GET /panic HTTP/1.1\r\nHost: x\r\n\r\nGET /error HTTP/1.1\r\nHost: x\r\n\r\nGET /inject HTTP/1.1\r\nHost: x\r\n\r\n");
    for _ in 0..3 {
        let response = client.response(false);
        assert_eq!(response.status, 500, "{response:?}");
        assert!(!response.closes());
        assert!(response.header("set-cookie").is_none());
    }
    client.send(b"GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(client.response(false).text(), "GET /after ");
}

#[test]
fn pipelined_requests_in_one_write() {
    let server = probe();
    let mut client = server.connect();
    client.send(b"GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(client.response(false).text(), "GET /one ");
    assert_eq!(client.response(false).text(), "GET /two ");
}

#[test]
fn a_body_then_a_second_request_on_the_same_connection() {
    let server = probe();
    let mut client = server.connect();
    client.send(b"POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /next HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(client.response(false).text(), "POST /form hello");
    assert_eq!(client.response(false).text(), "GET /next ");
}

#[test]
fn an_unread_body_is_never_parsed_as_a_request() {
    // Hello ignores bodies; the layer must still consume them (gh-150499).
    let server = serve_http(Http::new(Hello));
    let inner = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    let mut client = server.connect();
    client.send(
        format!("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{inner}", inner.len()).as_bytes(),
    );
    client.send(b"GET /last HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(client.response(false).status, 200);
    let second = client.response(false);
    assert_eq!(second.status, 404);
    assert!(second.text().contains("/last"), "{}", second.text());
}

#[test]
fn chunked_bodies_are_decoded() {
    let server = probe();
    let mut client = server.connect();
    client.send(
        b"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\
          5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: yes\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    assert_eq!(client.response(false).text(), "POST /c hello world");
    assert_eq!(client.response(false).text(), "GET /next ");
}

#[test]
fn expect_100_continue() {
    let server = probe();
    let mut client = server.connect();
    client.send(b"PUT /up HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
    let interim = client.response(false);
    assert_eq!(interim.status, 100);
    client.send(b"data");
    assert_eq!(client.response(false).text(), "PUT /up data");
}

#[test]
fn keep_alive_serves_100_requests_on_one_connection() {
    let server = probe();
    let mut client = server.connect();
    for i in 0..100 {
        client.send(format!("GET /{i} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
        let response = client.response(false);
        assert_eq!(response.text(), format!("GET /{i} "));
        assert!(!response.closes());
    }
    assert_eq!(server.stop_within(PATIENCE).cut_off, 0);
}

#[test]
fn connection_close_and_http_1_0() {
    let server = probe();
    let mut client = server.connect();
    client.send(b"GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(client.response(false).closes());
    assert!(client.at_eof());

    let mut client = server.connect();
    client.send(b"GET /b HTTP/1.0\r\n\r\n");
    assert!(client.response(false).closes());
    assert!(client.at_eof());

    let mut client = server.connect();
    client.send(b"GET /c HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    let kept = client.response(false);
    assert_eq!(kept.header("connection"), Some("keep-alive"));
    client.send(b"GET /d HTTP/1.0\r\n\r\n");
    assert_eq!(client.response(false).text(), "GET /d ");
    assert!(client.at_eof());
}

/// Blocks inside the handler until the test lets it go.
struct Gate {
    entered: Mutex<mpsc::Sender<()>>,
    release: Mutex<mpsc::Receiver<()>>,
}

impl HttpHandler for Gate {
    fn get(&self, _: &HttpRequest) -> io::Result<HttpResponse> {
        self.entered.lock().unwrap().send(()).unwrap();
        self.release.lock().unwrap().recv_timeout(PATIENCE).unwrap();
        Ok(HttpResponse::text(200, "done"))
    }
}

#[test]
fn drain_finishes_the_response_in_flight_with_connection_close() {
    let (entered_tx, entered) = mpsc::channel();
    let (release, release_rx) = mpsc::channel();
    let gate = Gate { entered: Mutex::new(entered_tx), release: Mutex::new(release_rx) };
    let server = serve(
        Server::builder(Http::new(gate))
            .concurrency(ThreadPerConnection::new())
            .bind::<Tcp>("127.0.0.1:0")
            .unwrap(),
    );
    let mut client = server.connect();
    client.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    entered.recv_timeout(PATIENCE).unwrap();
    server.stop.shutdown();
    release.send(()).unwrap();
    let response = client.response(false);
    assert_eq!(response.text(), "done");
    assert!(response.closes(), "a draining server must close keep-alive connections");
    assert!(client.at_eof());
    assert_eq!(server.stop_within(PATIENCE).cut_off, 0);
}

#[test]
fn every_strategy_serves_http() {
    let strategies = [
        Strategy::new(StrategyKind::Single, 1, None, Default::default()),
        Strategy::new(StrategyKind::Threads, 4, None, Default::default()),
        Strategy::new(StrategyKind::Pool, 2, Some(8), Default::default()),
    ];
    for strategy in strategies {
        let server =
            Server::builder(Http::new(Hello)).concurrency(strategy).bind::<Tcp>("127.0.0.1:0").unwrap();
        let server = serve(server);
        let response = exchange(server.inet(), b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(response.text().starts_with("Hello From Server at "));
        assert_eq!(server.stop_within(PATIENCE).cut_off, 0);
    }
    let single = serve(
        Server::builder(Http::new(Hello)).concurrency(SingleThread).bind::<Tcp>("127.0.0.1:0").unwrap(),
    );
    assert_eq!(exchange(single.inet(), b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").status, 200);
    let pool = serve(
        Server::builder(Http::new(Hello)).concurrency(ThreadPool::new(2)).bind::<Tcp>("127.0.0.1:0").unwrap(),
    );
    assert_eq!(exchange(pool.inet(), b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").status, 200);
}

#[test]
fn a_closure_is_an_application() {
    let app = |req: &HttpRequest| Ok(HttpResponse::text(201, format!("made {}", req.query().unwrap_or(""))));
    let server = serve_http(Http::new(app));
    let response =
        exchange(server.inet(), b"POST /things?name=x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(response.status, 201);
    assert_eq!(response.text(), "made name=x");
}

#[test]
fn streamed_bodies_are_chunked_for_1_1_and_close_delimited_for_1_0() {
    let app = |_: &HttpRequest| Ok(HttpResponse::new(200).stream(io::Cursor::new(vec![b'z'; 40_000])));
    let server = serve_http(Http::new(app));
    let mut client = server.connect();
    client.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    let chunked = client.response(false);
    assert_eq!(chunked.header("transfer-encoding"), Some("chunked"));
    assert_eq!(chunked.body, vec![b'z'; 40_000]);
    client.send(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    let delimited = client.response(false);
    assert!(delimited.closes());
    assert_eq!(delimited.body, vec![b'z'; 40_000]);
}

#[cfg(unix)]
#[test]
fn http_over_a_unix_socket() {
    use std::io::{Read, Write};
    let dir = TempDir::new("http");
    let path = dir.unique_path("http");
    let server = Server::builder(Http::new(Hello)).bind::<socketserver::UnixStream>(path.as_path()).unwrap();
    let serving = serve(server);
    let mut client = std::os::unix::net::UnixStream::connect(&path).unwrap();
    client.set_read_timeout(Some(PATIENCE)).unwrap();
    client.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    client.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    serving.stop_within(PATIENCE);
}

#[test]
fn the_response_builder_refuses_header_injection() {
    for (name, value) in [
        ("X", "a\r\nb"),
        ("X", "a\nb"),
        ("X", "a\rb"),
        ("X", "a\0b"),
        ("X\r\nY", "v"),
        ("Bad Name", "v"),
        ("", "v"),
        ("Content-Length", "5"),
    ] {
        assert!(HttpResponse::new(200).header(name, value).is_err(), "{name:?}: {value:?} was accepted");
    }
    assert!(HttpResponse::new(200).header("X-Ok", "tab\tand text").is_ok());
    let _ = Client::connect; // keep the helper type used in every build
}

#[test]
fn public_types_cross_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Http<Hello>>();
    assert_send_sync::<HttpLimits>();
    assert_send_sync::<HttpRequest>();
    fn assert_send<T: Send>() {}
    assert_send::<HttpResponse>();
}

#[test]
fn large_bodies_in_both_framings_keep_the_connection_in_step() {
    let server = probe();
    let mut client = server.connect();
    let big = vec![b'q'; 700_000];
    let mut request =
        format!("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n", big.len()).into_bytes();
    request.extend_from_slice(&big);
    request.extend_from_slice(b"POST /chunks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    for piece in big.chunks(70_001) {
        request.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        request.extend_from_slice(piece);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\nGET /end HTTP/1.1\r\nHost: x\r\n\r\n");
    let writer = {
        let mut stream = client.reader.get_ref().try_clone().unwrap();
        std::thread::spawn(move || std::io::Write::write_all(&mut stream, &request))
    };
    for path in ["/big", "/chunks"] {
        let response = client.response(false);
        assert_eq!(response.body.len(), format!("POST {path} ").len() + big.len());
        assert!(response.body.ends_with(b"qqqq"));
    }
    assert_eq!(client.response(false).text(), "GET /end ");
    writer.join().unwrap().unwrap();
}

/// RFC 9110 §6.2: a higher minor version is handled as the highest
/// supported, 1.1; a higher major version is still 505.
#[test]
fn rfc9110_6_2_a_later_minor_version_is_served_as_1_1() {
    let server = probe();
    let mut client = server.connect();
    client.send(b"GET /a HTTP/1.2\r\nHost: x\r\n\r\nGET /b HTTP/1.9\r\nHost: x\r\nConnection: close\r\n\r\n");
    let first = client.response(false);
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(first.text(), "GET /a ");
    assert!(!first.closes(), "HTTP/1.2 keeps the connection as 1.1 does");
    assert_eq!(client.response(false).text(), "GET /b ");
    // A version split across reads is still recognised.
    let mut split = server.connect();
    split.send(b"GET /c HTTP/1.");
    split.send(b"2\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(split.response(false).text(), "GET /c ");
    assert_eq!(refused(server.inet(), b"GET / HTTP/2.0\r\nHost: x\r\n\r\n").status, 505);
    assert_eq!(refused(server.inet(), b"GET / HTTP/1.x\r\nHost: x\r\n\r\n").status, 400);
}

/// RFC 9112 §3.2: a space inside the target makes the request line
/// malformed: 400, with a message that says so (not "HTTP/1.1 is not
/// supported").
#[test]
fn rfc9112_3_2_a_space_in_the_target_is_400() {
    let server = probe();
    for line in ["GET / x HTTP/1.1", "GET /a b c HTTP/1.1", "GET /a HTTP/1.1 HTTP/1.1"] {
        let response = refused(server.inet(), format!("{line}\r\nHost: x\r\n\r\n").as_bytes());
        assert_eq!(response.status, 400, "{line}");
        let text = response.text();
        assert!(text.contains("may not hold a space") && !text.contains("not supported"), "{line}: {text}");
    }
}

/// RFC 9110 §7.4: an absolute-form target whose scheme is not the
/// connection's is misdirected (421); RFC 9110 §4.2.1: an http URI with
/// an empty host is invalid (400); other schemes and userinfo are 400.
#[test]
fn rfc9110_7_4_and_4_2_1_absolute_targets_are_checked() {
    let server = probe();
    let https = refused(server.inet(), b"GET https://x/a HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(https.status, 421, "{https:?}");
    assert!(https.text().contains("https"), "{}", https.text());
    for target in ["http:///", "http://:80/", "ftp://x/", "http://user@x/", "x", "*", "http://a b/"] {
        let response = refused(server.inet(), format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
        assert_eq!(response.status, 400, "{target}: {}", response.text());
    }
    let fine = exchange(server.inet(), b"GET http://x/a?q HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!((fine.status, fine.text().as_str()), (200, "GET /a "));
    let upper = exchange(server.inet(), b"GET HTTP://x:8080/b HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(upper.text(), "GET /b ");
    let options = exchange(server.inet(), b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(options.status, 200);
}

/// RFC 9112 §3.2 and RFC 9110 §7.2: a `Host` that is not `host[:port]`
/// is refused with 400; an empty one is allowed.
#[test]
fn rfc9112_3_2_an_invalid_host_is_400() {
    let server = probe();
    for host in ["bad host", "x:port", ":80", "[::1", "a/b", "a@b", "x\"y"] {
        let response = refused(server.inet(), format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes());
        assert_eq!(response.status, 400, "Host: {host}");
        assert!(response.text().contains("Host field"), "{}", response.text());
    }
    let bad10 = refused(server.inet(), b"GET / HTTP/1.0\r\nHost: bad host\r\n\r\n");
    assert_eq!(bad10.status, 400);
    for host in ["", "x", "example.com:8080", "127.0.0.1", "[::1]:80", "xn--bcher-kva.example"] {
        let response = exchange(server.inet(), format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes());
        assert_eq!(response.status, 200, "Host: {host}");
    }
}
