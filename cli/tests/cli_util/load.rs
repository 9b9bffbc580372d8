//! A bounded HTTP load for restart tests: threads that each send GETs,
//! one connection per request, until stopped (or a cap), counting the
//! answers and keeping every failure.

use std::io::{Read, Write};
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
        let shared = Arc::new(Shared::default());
        let request = format!("GET {path} HTTP/1.1\r\nHost: load\r\nConnection: close\r\n\r\n");
        let threads = (0..threads)
            .map(|_| {
                let (shared, request) = (Arc::clone(&shared), request.clone());
                thread::spawn(move || {
                    for _ in 0..CAP {
                        if shared.stop.load(Ordering::Acquire) {
                            return;
                        }
                        let outcome = get(addr, source, &request);
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

fn connect(addr: SocketAddr, source: Option<IpAddr>) -> std::io::Result<TcpStream> {
    let Some(source) = source else { return TcpStream::connect(addr) };
    let socket = socket2::Socket::new(socket2::Domain::for_address(addr), socket2::Type::STREAM, None)?;
    socket.bind(&SocketAddr::new(source, 0).into())?;
    socket.connect(&addr.into())?;
    Ok(socket.into())
}
