//! A bounded HTTP load for restart tests: threads that each send GETs,
//! one connection per request or over a keep-alive connection (opened
//! again when the server answers `Connection: close`, as wrk and browsers
//! do), until stopped (or a cap), counting the answers and keeping every
//! failure.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Most requests one load thread sends, whatever happens.
const CAP: usize = 200_000;

/// What a load saw.
#[derive(Debug, Default)]
pub struct Tally {
    /// Requests answered `200` in full.
    pub ok: usize,
    /// Every failure, said.
    pub failed: Vec<String>,
}

impl Tally {
    /// Fails the test, quoting the first failures, unless every request
    /// succeeded.
    pub fn assert_none_failed(&self) {
        let failed = &self.failed;
        assert!(
            failed.is_empty(),
            "{} of {} failed: {:?}",
            failed.len(),
            failed.len() + self.ok,
            &failed[..failed.len().min(5)]
        );
    }
}

#[derive(Default)]
struct Shared {
    tally: Mutex<Tally>,
    changed: Condvar,
    stop: AtomicBool,
}

/// A running load.
pub struct Load {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

impl Load {
    /// Starts `threads` threads sending `GET path` to `addr`, from
    /// `source` when given (such as 127.0.0.2).
    pub fn start(addr: SocketAddr, threads: usize, path: &str, source: Option<IpAddr>) -> Load {
        let request = format!("GET {path} HTTP/1.1\r\nHost: load\r\nConnection: close\r\n\r\n");
        Load::run(threads, move || {
            let request = request.clone();
            move || get(addr, source, &request)
        })
    }

    /// Starts `threads` threads each sending `GET path` over a keep-alive
    /// connection, back to back, opening a new one when an answer says
    /// `Connection: close`. A request that fails on a kept connection (the
    /// server closed it under the request) is a failure, as for wrk.
    pub fn keep_alive(addr: SocketAddr, threads: usize, path: &str) -> Load {
        let request = format!("GET {path} HTTP/1.1\r\nHost: load\r\n\r\n");
        Load::run(threads, move || {
            let (request, mut kept) = (request.clone(), None);
            move || get_kept(addr, &mut kept, &request)
        })
    }

    /// Starts `threads` threads, each calling its own `make()` until
    /// stopped or [`CAP`] requests.
    fn run<F, G>(threads: usize, make: F) -> Load
    where
        F: Fn() -> G,
        G: FnMut() -> Result<(), String> + Send + 'static,
    {
        let shared = Arc::new(Shared::default());
        let threads = (0..threads)
            .map(|_| {
                let (shared, mut request) = (Arc::clone(&shared), make());
                thread::spawn(move || {
                    for _ in 0..CAP {
                        if shared.stop.load(Ordering::Acquire) {
                            return;
                        }
                        let outcome = request();
                        let mut tally = shared.tally.lock().unwrap();
                        match outcome {
                            Ok(()) => tally.ok += 1,
                            Err(why) => tally.failed.push(why),
                        }
                        shared.changed.notify_all();
                    }
                })
            })
            .collect();
        Load { shared, threads }
    }

    /// Waits until `more` requests beyond those answered now have been
    /// answered; panics after `limit`.
    pub fn wait_for_more(&self, more: usize, limit: Duration) {
        let deadline = Instant::now() + limit;
        let mut tally = self.shared.tally.lock().unwrap();
        let target = tally.ok + more;
        while tally.ok < target {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "the load got {} of {target} answers within {limit:?}", tally.ok);
            tally = self.shared.changed.wait_timeout(tally, left).unwrap().0;
        }
    }

    /// Stops the load and returns what it saw.
    pub fn finish(self) -> Tally {
        self.shared.stop.store(true, Ordering::Release);
        for thread in self.threads {
            thread.join().unwrap();
        }
        std::mem::take(&mut *self.shared.tally.lock().unwrap())
    }
}

/// One request on its own connection: `Ok` for a whole `200` answer.
fn get(addr: SocketAddr, source: Option<IpAddr>, request: &str) -> Result<(), String> {
    let mut stream = connect(addr, source).map_err(|err| format!("connect: {err}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).map_err(|err| err.to_string())?;
    stream.write_all(request.as_bytes()).map_err(|err| format!("write: {err}"))?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(|err| format!("read: {err}"))?;
    let text = String::from_utf8_lossy(&answer);
    if !text.starts_with("HTTP/1.1 200") {
        return Err(format!("answer: {:?}", text.lines().next().unwrap_or("(nothing)")));
    }
    let length = text
        .lines()
        .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length: ").map(str::to_string));
    let body = text.split_once("\r\n\r\n").map_or(0, |(_, body)| body.len());
    match length.and_then(|len| len.trim().parse::<usize>().ok()) {
        Some(len) if len != body => Err(format!("a body of {body} bytes, not {len}")),
        _ => Ok(()),
    }
}

/// One request on the kept connection (opened first if there is none):
/// `Ok` for a whole `200` answer; the connection is dropped when the
/// answer says `Connection: close` or anything failed.
fn get_kept(addr: SocketAddr, kept: &mut Option<BufReader<TcpStream>>, request: &str) -> Result<(), String> {
    if kept.is_none() {
        let stream = TcpStream::connect(addr).map_err(|err| format!("connect: {err}"))?;
        stream.set_read_timeout(Some(Duration::from_secs(10))).map_err(|err| err.to_string())?;
        *kept = Some(BufReader::new(stream));
    }
    let conn = kept.as_mut().unwrap();
    let outcome = exchange_kept(conn, request);
    if !matches!(outcome, Ok(true)) {
        *kept = None;
    }
    outcome.map(drop)
}

/// Sends `request` and reads its answer; `Ok(keep)` for a `200`, `keep`
/// unless it said `Connection: close`.
fn exchange_kept(conn: &mut BufReader<TcpStream>, request: &str) -> Result<bool, String> {
    conn.get_mut()
        .write_all(request.as_bytes())
        .map_err(|err| format!("write on a kept connection: {err}"))?;
    let (mut length, mut keep, mut status) = (0, true, String::new());
    loop {
        let mut line = String::new();
        match conn.read_line(&mut line) {
            Ok(0) => return Err("the kept connection closed before an answer".into()),
            Ok(_) => {}
            Err(err) => return Err(format!("read on a kept connection: {err}")),
        }
        let lower = line.trim_end().to_ascii_lowercase();
        if status.is_empty() {
            status = lower;
            continue;
        }
        if lower.is_empty() {
            break;
        }
        if let Some(value) = lower.strip_prefix("content-length:") {
            length = value.trim().parse().map_err(|_| format!("a bad length: {lower}"))?;
        }
        keep &= lower != "connection: close";
    }
    let mut body = vec![0; length];
    conn.read_exact(&mut body).map_err(|err| format!("a body cut short: {err}"))?;
    if !status.starts_with("http/1.1 200") {
        return Err(format!("answer: {status:?}"));
    }
    Ok(keep)
}

fn connect(addr: SocketAddr, source: Option<IpAddr>) -> std::io::Result<TcpStream> {
    let Some(source) = source else { return TcpStream::connect(addr) };
    let socket = socket2::Socket::new(socket2::Domain::for_address(addr), socket2::Type::STREAM, None)?;
    socket.bind(&SocketAddr::new(source, 0).into())?;
    socket.connect(&addr.into())?;
    Ok(socket.into())
}
