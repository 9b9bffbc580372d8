//! `setup` / `handle` / `finish` with Python's semantics: `finish` runs
//! whenever `setup` succeeded, whatever `handle` did; a `setup` error
//! skips both. Failures reach `handle_error`, after `finish` and once.

mod util;

use crossbeam_channel::{unbounded, Receiver, Sender};
use parking_lot::Mutex;
use socketserver::{
    Address, Concurrency, Connection, Failure, Hooks, RequestHandler, Server, SingleThread, Tcp, ThreadPool,
};
use std::io::{self, Write};
use std::sync::Arc;
use util::{serve, LineClient, PATIENCE};

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Fine,
    HandleFails,
    HandlePanics,
    SetupFails,
    BothFail,
    /// `handle` fails, then `finish` panics.
    FinishPanics,
}

/// Records each call it gets.
struct Recorder {
    mode: Mode,
    calls: Arc<Mutex<Vec<&'static str>>>,
}

impl RequestHandler<Connection> for Recorder {
    fn setup(&self, _: &mut Connection) -> io::Result<()> {
        self.calls.lock().push("setup");
        match self.mode {
            Mode::SetupFails => Err(io::Error::other("setup refused")),
            _ => Ok(()),
        }
    }

    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        self.calls.lock().push("handle");
        match self.mode {
            Mode::Fine => conn.write_all(b"fine\n"),
            Mode::HandleFails | Mode::BothFail | Mode::FinishPanics => Err(io::Error::other("handle failed")),
            Mode::HandlePanics => panic!("handle panicked on purpose"),
            Mode::SetupFails => unreachable!("handle ran after a setup error"),
        }
    }

    fn finish(&self, _: &mut Connection) -> io::Result<()> {
        self.calls.lock().push("finish");
        match self.mode {
            Mode::BothFail => Err(io::Error::other("finish failed")),
            Mode::FinishPanics => panic!("finish panicked on purpose"),
            _ => Ok(()),
        }
    }
}

/// Sends each failure's description to the test, and records the call
/// among the handler's.
struct Failures(Sender<String>, Arc<Mutex<Vec<&'static str>>>);

impl Hooks for Failures {
    fn handle_error(&self, _: &Address, failure: &Failure) {
        self.1.lock().push("handle_error");
        let what = match failure {
            Failure::Io(err) => format!("io: {err}"),
            Failure::Panic(message) => format!("panic: {message}"),
            other => format!("other: {other}"),
        };
        let _ = self.0.send(what);
    }
}

/// Serves one connection in `mode`; returns the calls and the failures
/// reported, and checks the client's connection was closed.
fn one_request<C: Concurrency>(mode: Mode, concurrency: C) -> (Vec<&'static str>, Receiver<String>, u64) {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let (tx, failures) = unbounded();
    let handler = Recorder { mode, calls: Arc::clone(&calls) };
    let server = Server::builder(handler)
        .concurrency(concurrency)
        .hooks(Failures(tx, Arc::clone(&calls)))
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    let serving = serve(server);
    let mut client = LineClient::tcp(serving.inet());
    if mode == Mode::Fine {
        assert_eq!(client.line(), "fine");
    }
    // The connection closes after the request is counted and released.
    assert!(client.closed(), "the connection was left open");
    let (server, report) = serving.shutdown();
    assert_eq!(report.cut_off, 0);
    assert_eq!(server.stats().served, u64::from(mode != Mode::SetupFails));
    // `handle_error` runs before the request is counted served, so every
    // call is recorded by now.
    let calls = calls.lock().clone();
    (calls, failures, server.stats().panics)
}

#[test]
fn all_three_run_in_order() {
    let (calls, failures, _) = one_request(Mode::Fine, SingleThread);
    assert_eq!(calls, ["setup", "handle", "finish"]);
    assert!(failures.try_recv().is_err());
}

#[test]
fn finish_runs_after_a_handle_error() {
    let (calls, failures, panics) = one_request(Mode::HandleFails, SingleThread);
    assert_eq!(calls, ["setup", "handle", "finish", "handle_error"]);
    assert_eq!(failures.recv_timeout(PATIENCE).unwrap(), "io: handle failed");
    assert!(failures.try_recv().is_err());
    assert_eq!(panics, 0);
}

#[test]
fn finish_runs_after_a_panic() {
    let (calls, failures, panics) = one_request(Mode::HandlePanics, SingleThread);
    assert_eq!(calls, ["setup", "handle", "finish", "handle_error"]);
    assert_eq!(failures.recv_timeout(PATIENCE).unwrap(), "panic: handle panicked on purpose");
    assert_eq!(panics, 1);
}

#[test]
fn finish_runs_after_a_panic_in_a_pool_worker() {
    let (calls, failures, panics) = one_request(Mode::HandlePanics, ThreadPool::new(1));
    assert_eq!(calls, ["setup", "handle", "finish", "handle_error"]);
    assert_eq!(failures.recv_timeout(PATIENCE).unwrap(), "panic: handle panicked on purpose");
    assert_eq!(panics, 1);
}

#[test]
fn a_finish_panic_after_a_handle_error_is_counted_and_handle_error_gets_the_cause() {
    let (calls, failures, panics) = one_request(Mode::FinishPanics, SingleThread);
    assert_eq!(calls, ["setup", "handle", "finish", "handle_error"]);
    assert_eq!(failures.recv_timeout(PATIENCE).unwrap(), "io: handle failed");
    assert!(failures.try_recv().is_err(), "handle_error runs once");
    assert_eq!(panics, 1);
}

#[test]
fn a_setup_error_skips_handle_and_finish() {
    let (calls, failures, _) = one_request(Mode::SetupFails, SingleThread);
    assert_eq!(calls, ["setup", "handle_error"]);
    assert_eq!(failures.recv_timeout(PATIENCE).unwrap(), "io: setup refused");
    assert!(failures.try_recv().is_err());
}

/// Python's order, under every strategy: `handle_error` once, after
/// `finish`, with `handle`'s failure when `finish` fails too.
#[test]
fn handle_error_runs_once_after_finish_when_both_fail() {
    fn check<C: Concurrency>(concurrency: C) {
        let (calls, failures, _) = one_request(Mode::BothFail, concurrency);
        assert_eq!(calls, ["setup", "handle", "finish", "handle_error"]);
        assert_eq!(failures.recv_timeout(PATIENCE).unwrap(), "io: handle failed");
        assert!(failures.try_recv().is_err(), "handle_error ran twice");
    }
    check(SingleThread);
    check(ThreadPool::new(2));
    check(socketserver::ThreadPerConnection::new());
}
