//! Runs the examples as a user would, as subprocesses.

mod util;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::thread;
use util::{LineClient, PATIENCE};

/// The cargo features this test was built with, so building the example
/// reuses the same compiled library.
fn features() -> Vec<&'static str> {
    let all = [
        ("http", cfg!(feature = "http")),
        ("handlers", cfg!(feature = "handlers")),
        ("config", cfg!(feature = "config")),
        ("threadpool", cfg!(feature = "threadpool")),
    ];
    all.into_iter().filter(|&(_, on)| on).map(|(name, _)| name).collect()
}

/// Starts `cargo run --example NAME -- ARGS`, killed when dropped.
struct Example(Child);

impl Example {
    fn start(name: &str, args: &[&str]) -> Example {
        let mut cargo = Command::new(env!("CARGO"));
        cargo.args(["run", "--quiet", "--package", "socketserver", "--no-default-features"]);
        if !features().is_empty() {
            cargo.args(["--features", &features().join(",")]);
        }
        let child = cargo
            .args(["--example", name, "--"])
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .spawn()
            .expect("cannot run cargo");
        Example(child)
    }

    /// The address from the example's `listening on ADDR` line, read
    /// within [`PATIENCE`] (plus what cargo needs to build it).
    fn address(&mut self) -> SocketAddr {
        let stdout = self.0.stdout.take().unwrap();
        let (tx, rx) = crossbeam_channel::bounded(1);
        thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(PATIENCE * 12).expect("the example printed no address");
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        addr.parse().unwrap()
    }
}

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn custom_handler_serves_its_key_value_protocol() {
    let mut example = Example::start("custom_handler", &["127.0.0.1:0"]);
    let addr = example.address();
    let mut client = LineClient::tcp(addr);
    assert_eq!(client.ask("GET colour"), "(nil)");
    assert_eq!(client.ask("SET colour blue sky"), "OK");
    assert_eq!(client.ask("GET colour"), "blue sky");
    let mut other = LineClient::tcp(addr);
    assert_eq!(other.ask("DEL colour"), "OK");
    assert_eq!(client.ask("GET colour"), "(nil)");
    assert!(client.ask("FLY away").starts_with("ERROR: "));
    client.send(b"QUIT\n");
    assert!(client.closed());
}

#[test]
fn raw_handler_greets_shouts_and_says_goodbye() {
    let mut example = Example::start("raw_handler", &["127.0.0.1:0"]);
    let mut client = LineClient::tcp(example.address());
    assert!(client.line().starts_with("hello 127.0.0.1:"), "setup greets");
    assert_eq!(client.ask("quiet please"), "QUIET PLEASE");
    client.send(b"bye\n");
    assert_eq!(client.line(), "goodbye", "finish runs after handle");
    assert!(client.closed());
}

#[test]
fn datagram_answers_in_capitals() {
    let mut example = Example::start("datagram", &["127.0.0.1:0"]);
    let client = util::DatagramClient::udp(example.address());
    assert_eq!(client.ask("over udp"), "OVER UDP");
}

#[test]
fn chat_broadcasts_to_everyone_else() {
    let mut example = Example::start("chat", &["127.0.0.1:0"]);
    let addr = example.address();
    let mut alice = LineClient::tcp(addr);
    alice.send(b"alice\n");
    assert_eq!(alice.line(), "name? welcome alice; here: ");
    let mut bob = LineClient::tcp(addr);
    bob.send(b"bob\n");
    assert_eq!(bob.line(), "name? welcome bob; here: alice");
    assert_eq!(alice.line(), "* bob joined");
    bob.send(b"hi all\n");
    assert_eq!(alice.line(), "bob: hi all");
    alice.send(b"hello bob\n");
    assert_eq!(bob.line(), "alice: hello bob");
    drop(bob);
    assert_eq!(alice.line(), "* bob left");
}

#[test]
fn memcached_answers_a_real_memcached_client() {
    let probe = Command::new("python3").args(["-c", "import pymemcache"]).status();
    if !probe.is_ok_and(|status| status.success()) {
        eprintln!("skipped: python3 with pymemcache is needed (pip install pymemcache; .ci/run installs it)");
        return;
    }
    let mut example = Example::start("memcached", &["--bind", "127.0.0.1:0"]);
    let addr = example.address();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clients/pymemcache_session.py");
    let session = Command::new("python3")
        .args([script, &addr.ip().to_string(), &addr.port().to_string()])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&session.stderr);
    assert!(session.status.success(), "pymemcache's session failed: {said}");
}

#[test]
fn memcached_refuses_a_huge_value_unbuffered_and_serves_others() {
    use std::io::{Read, Write};
    let mut example = Example::start("memcached", &["--bind", "127.0.0.1:0"]);
    let addr = example.address();
    let mut greedy = std::net::TcpStream::connect(addr).unwrap();
    greedy.set_read_timeout(Some(PATIENCE)).unwrap();
    greedy.write_all(b"set big 0 0 4000000000\r\n").unwrap();
    let refusal = b"SERVER_ERROR object too large for cache\r\n";
    let mut answer = vec![0; refusal.len()];
    greedy.read_exact(&mut answer).unwrap();
    assert_eq!(answer, refusal, "refused before any of the value is sent");
    greedy.write_all(&vec![b'x'; 1 << 20]).unwrap();

    let mut other = std::net::TcpStream::connect(addr).unwrap();
    other.set_read_timeout(Some(PATIENCE)).unwrap();
    other.write_all(b"set k 0 0 2\r\nok\r\nget k\r\nnonsense\r\n").unwrap();
    let expected = b"STORED\r\nVALUE k 0 2\r\nok\r\nEND\r\nERROR\r\n";
    let mut answer = vec![0; expected.len()];
    other.read_exact(&mut answer).unwrap();
    assert_eq!(String::from_utf8_lossy(&answer), String::from_utf8_lossy(expected));
}

#[cfg(feature = "http")]
#[test]
fn http_app_serves_json_and_a_form() {
    use std::io::{Read, Write};
    let mut example = Example::start("http_app", &["127.0.0.1:0"]);
    let addr = example.address();
    let exchange = |request: String| {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    };
    let post = |path: &str, kind: &str, body: &str| {
        exchange(format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: {kind}\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        ))
    };
    let created = post("/notes", "application/json", r#"{"text":"buy milk"}"#);
    assert!(created.starts_with("HTTP/1.1 201 "), "{created}");
    assert!(created.ends_with(r#"{"id":1,"text":"buy milk"}"#), "{created}");
    let bad = post("/notes", "application/json", "{not json");
    assert!(bad.starts_with("HTTP/1.1 400 ") && bad.contains("bad JSON note"), "{bad}");
    let form = post("/form", "application/x-www-form-urlencoded", "text=call+home%21");
    assert!(form.starts_with("HTTP/1.1 200 ") && form.contains("added note 2: call home!"), "{form}");
    let listed = exchange("GET /notes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into());
    assert!(listed.ends_with(r#"[{"id":1,"text":"buy milk"},{"id":2,"text":"call home!"}]"#), "{listed}");
    let missing = exchange("GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into());
    assert!(missing.starts_with("HTTP/1.1 404 "), "{missing}");
    let wrong = exchange("DELETE /notes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into());
    assert!(wrong.starts_with("HTTP/1.1 405 ") && wrong.contains("Allow: GET, POST"), "{wrong}");
}

/// The report `/notes.txt` of `http_app` is answered under RFC 9110's
/// rules through `socketserver::http::Representation`: validators and
/// `304` (§13.1.2, §13.1.3), `412` (§13.1.1), `206` with `Content-Range`
/// (§14.2), `multipart/byteranges` (§14.6), `416` (§15.5.17), `If-Range`
/// (§13.1.5), and a new tag once the notes change.
#[cfg(feature = "http")]
#[test]
fn http_app_answers_conditional_and_range_requests_for_its_report() {
    let mut example = Example::start("http_app", &["127.0.0.1:0"]);
    let addr = example.address();
    let ask = |head: &str| {
        util::exchange(addr, format!("{head}\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes())
    };
    let post = |text: &str| {
        let body = format!("text={text}");
        let head =
            format!("POST /form HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}", body.len());
        util::exchange(addr, format!("{head}\r\n\r\n{body}").as_bytes())
    };
    assert_eq!(post("buy+milk").status, 200);
    assert_eq!(post("call+home").status, 200);
    const REPORT: &str = "1. buy milk\n2. call home\n";

    let whole = ask("GET /notes.txt HTTP/1.1");
    assert_eq!((whole.status, whole.text().as_str()), (200, REPORT));
    assert_eq!(whole.header("accept-ranges"), Some("bytes"));
    let tag = whole.header("etag").expect("an ETag").to_string();
    let stamp = whole.header("last-modified").expect("a Last-Modified").to_string();

    let cached = ask(&format!("GET /notes.txt HTTP/1.1\r\nIf-None-Match: {tag}"));
    assert_eq!((cached.status, cached.body.len(), cached.header("etag")), (304, 0, Some(tag.as_str())));
    assert_eq!(ask(&format!("GET /notes.txt HTTP/1.1\r\nIf-Modified-Since: {stamp}")).status, 304);
    assert_eq!(ask("GET /notes.txt HTTP/1.1\r\nIf-Match: \"someone-else's\"").status, 412);
    assert_eq!(ask(&format!("GET /notes.txt HTTP/1.1\r\nIf-Match: {tag}")).status, 200);

    let part = ask("GET /notes.txt HTTP/1.1\r\nRange: bytes=3-10");
    assert_eq!((part.status, part.text().as_str()), (206, "buy milk"));
    assert_eq!(part.header("content-range"), Some("bytes 3-10/25"));
    let parts = ask("GET /notes.txt HTTP/1.1\r\nRange: bytes=0-1,15-18");
    assert_eq!(parts.status, 206);
    let expected =
        [("bytes 0-1/25".to_string(), b"1.".to_vec()), ("bytes 15-18/25".to_string(), b"call".to_vec())];
    assert_eq!(parts.byte_ranges(), expected);
    let past = ask("GET /notes.txt HTTP/1.1\r\nRange: bytes=25-");
    assert_eq!((past.status, past.header("content-range")), (416, Some("bytes */25")));

    assert_eq!(post("water+plants").status, 200);
    let changed = ask(&format!("GET /notes.txt HTTP/1.1\r\nIf-None-Match: {tag}"));
    assert_eq!(
        (changed.status, changed.text().as_str()),
        (200, "1. buy milk\n2. call home\n3. water plants\n")
    );
    assert_ne!(changed.header("etag"), Some(tag.as_str()));
    let resumed = ask(&format!("GET /notes.txt HTTP/1.1\r\nRange: bytes=25-\r\nIf-Range: {tag}"));
    assert_eq!((resumed.status, resumed.body.len()), (200, 41), "a stale If-Range gets the whole report");
}
