//! `Server::handle_request`: one request, or `handle_timeout` when none
//! comes in time.

mod util;

use crossbeam_channel::{unbounded, Receiver, Sender};
use socketserver::{Connection, Hooks, RequestHandler, Server, SingleThread, Tcp, ThreadPool};
use std::io::{self, BufRead, Write};
use std::time::{Duration, Instant};
use util::{LineClient, PATIENCE};

/// Reads one line and answers it in capitals.
struct OneLine;

impl RequestHandler<Connection> for OneLine {
    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        let mut line = String::new();
        conn.read_line(&mut line)?;
        conn.write_all(line.to_ascii_uppercase().as_bytes())
    }
}

/// Signals each `handle_timeout`.
struct Timeouts(Sender<()>);

impl Hooks for Timeouts {
    fn handle_timeout(&self) {
        let _ = self.0.send(());
    }
}

fn timeouts() -> (Timeouts, Receiver<()>) {
    let (tx, rx) = unbounded();
    (Timeouts(tx), rx)
}

#[test]
fn a_timeout_with_no_request_calls_handle_timeout() {
    let (hooks, timed_out) = timeouts();
    let server =
        Server::builder(OneLine).concurrency(SingleThread).hooks(hooks).bind::<Tcp>("127.0.0.1:0").unwrap();
    let started = Instant::now();
    assert!(!server.handle_request(Some(Duration::from_millis(50))).unwrap());
    assert!(started.elapsed() >= Duration::from_millis(50));
    timed_out.recv_timeout(PATIENCE).expect("handle_timeout was not called");
    assert!(timed_out.try_recv().is_err(), "handle_timeout called more than once");
    assert_eq!(server.stats().served, 0);
}

#[test]
fn one_request_is_served_without_handle_timeout() {
    let (hooks, timed_out) = timeouts();
    let server =
        Server::builder(OneLine).concurrency(SingleThread).hooks(hooks).bind::<Tcp>("127.0.0.1:0").unwrap();
    let mut client = LineClient::tcp(server.local_addr().as_inet().unwrap());
    client.send(b"hello\n");
    assert!(server.handle_request(Some(PATIENCE)).unwrap());
    // SingleThread served it in this thread, before handle_request returned.
    assert_eq!(server.stats().served, 1);
    assert_eq!(client.line(), "HELLO");
    assert!(client.closed());
    assert!(timed_out.try_recv().is_err(), "handle_timeout called though a request came");
}

#[test]
fn each_call_serves_one_request() {
    let server = Server::builder(OneLine).concurrency(ThreadPool::new(2)).bind::<Tcp>("127.0.0.1:0").unwrap();
    let addr = server.local_addr().as_inet().unwrap();
    let mut first = LineClient::tcp(addr);
    let mut second = LineClient::tcp(addr);
    first.send(b"one\n");
    second.send(b"two\n");
    assert!(server.handle_request(None).unwrap());
    assert!(server.handle_request(None).unwrap());
    assert_eq!(first.line(), "ONE");
    assert_eq!(second.line(), "TWO");
    let report = server.close();
    assert_eq!(report.cut_off, 0);
}

#[test]
fn after_shutdown_handle_request_returns_at_once() {
    let (hooks, timed_out) = timeouts();
    let server =
        Server::builder(OneLine).concurrency(SingleThread).hooks(hooks).bind::<Tcp>("127.0.0.1:0").unwrap();
    server.shutdown();
    assert!(!server.handle_request(None).unwrap());
    assert!(timed_out.try_recv().is_err());
}

/// Refuses every peer.
struct RefuseAll;

impl Hooks for RefuseAll {
    fn verify_request(&self, _peer: &socketserver::Address) -> bool {
        false
    }
}

#[test]
fn a_refused_request_returns_false_and_is_counted() {
    let server = Server::builder(OneLine)
        .concurrency(SingleThread)
        .hooks(RefuseAll)
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    let mut client = LineClient::tcp(server.local_addr().as_inet().unwrap());
    client.send(b"hello\n");
    assert!(!server.handle_request(Some(PATIENCE)).unwrap(), "a refused request was reported as handled");
    assert!(client.closed(), "a refused client got an answer");
    let stats = server.stats();
    assert_eq!((stats.refused, stats.served), (1, 0));
}
