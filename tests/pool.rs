//! The thread pool: panics do not shrink it; `Reject` refuses beyond
//! capacity, `Wait` serves everything eventually.

mod util;

use crossbeam_channel::{unbounded, Sender};
use socketserver::{Connection, Overload, RequestHandler, Server, Tcp, ThreadPool};
use std::io::{self, BufRead, Write};
use std::sync::Arc;
use util::{serve, unique, wait_until, Gate, LineClient, PATIENCE};

/// `panic` panics; any other line announces itself on `arrived`, waits
/// at the gate, then is answered with `done LINE`. Rejected connections
/// get `busy`.
struct Held {
    arrived: Sender<String>,
    gate: Arc<Gate>,
}

impl RequestHandler<Connection> for Held {
    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        let mut line = String::new();
        conn.read_line(&mut line)?;
        let line = line.trim().to_string();
        if line == "panic" {
            panic!("asked to panic");
        }
        let _ = self.arrived.send(line.clone());
        if !self.gate.wait() {
            return Err(io::Error::other("the gate never opened"));
        }
        writeln!(conn, "done {line}")
    }

    fn busy(&self, conn: &mut Connection) {
        let _ = conn.write_all(b"busy\n");
    }
}

fn held(pool: ThreadPool) -> (Server<Tcp, ThreadPool, Held>, crossbeam_channel::Receiver<String>, Arc<Gate>) {
    let (arrived, arrivals) = unbounded();
    let gate = Gate::new();
    let handler = Held { arrived, gate: Arc::clone(&gate) };
    let server = Server::builder(handler).concurrency(pool).bind::<Tcp>("127.0.0.1:0").unwrap();
    (server, arrivals, gate)
}

#[test]
fn after_n_panics_n_requests_run_at_once() {
    const N: usize = 4;
    let name = unique("pl");
    let (server, arrivals, gate) = held(ThreadPool::new(N).queue(0).name(name.clone()));
    let serving = serve(server);
    for _ in 0..N {
        let mut client = LineClient::tcp(serving.inet());
        client.send(b"panic\n");
        assert!(client.closed(), "a panicking request's connection stayed open");
    }
    assert_eq!(serving.server.stats().panics, N as u64);
    assert_eq!(serving.server.concurrency().live_workers(), N);

    // N requests held in flight together: only N live workers can do that.
    let mut clients: Vec<_> = (0..N).map(|_| LineClient::tcp(serving.inet())).collect();
    for (i, client) in clients.iter_mut().enumerate() {
        client.send(format!("{i}\n").as_bytes());
    }
    for _ in 0..N {
        arrivals.recv_timeout(PATIENCE).expect("fewer than N requests ran at once: the pool shrank");
    }
    gate.open();
    for (i, client) in clients.iter_mut().enumerate() {
        assert_eq!(client.line(), format!("done {i}"));
    }
    let (server, report) = serving.shutdown();
    assert_eq!(report.cut_off, 0);
    assert_eq!(server.stats().served, 2 * N as u64);
    assert_eq!(server.concurrency().live_workers(), 0);
}

#[test]
fn reject_refuses_beyond_workers_and_queue() {
    let pool = ThreadPool::new(1).queue(1).overload(Overload::Reject);
    let (server, arrivals, gate) = held(pool);
    let serving = serve(server);
    let mut running = LineClient::tcp(serving.inet());
    running.send(b"running\n");
    assert_eq!(arrivals.recv_timeout(PATIENCE).unwrap(), "running");
    let mut queued = LineClient::tcp(serving.inet());
    queued.send(b"queued\n");
    wait_until("the second request to be queued", || serving.server.stats().active == 2);

    let mut refused = LineClient::tcp(serving.inet());
    assert_eq!(refused.line(), "busy");
    assert!(refused.closed());
    assert_eq!(serving.server.stats().rejected, 1);

    gate.open();
    assert_eq!(running.line(), "done running");
    assert_eq!(queued.line(), "done queued");
    let (server, report) = serving.shutdown();
    assert_eq!(report.cut_off, 0);
    assert_eq!(server.stats().served, 2);
    assert_eq!(server.stats().rejected, 1);
}

#[test]
fn wait_serves_everything_eventually() {
    const CLIENTS: usize = 10;
    let pool = ThreadPool::new(2).queue(1).overload(Overload::Wait);
    let (server, arrivals, gate) = held(pool);
    let serving = serve(server);
    let mut clients: Vec<_> = (0..CLIENTS).map(|_| LineClient::tcp(serving.inet())).collect();
    for (i, client) in clients.iter_mut().enumerate() {
        client.send(format!("{i}\n").as_bytes());
    }
    arrivals.recv_timeout(PATIENCE).unwrap();
    arrivals.recv_timeout(PATIENCE).unwrap();
    // Both workers busy and one queued: accepting pauses until there is
    // room, and the rest wait in the backlog.
    wait_until("the queue to fill", || serving.server.stats().active == 3);
    assert_eq!(serving.server.stats().rejected, 0);
    gate.open();
    for (i, client) in clients.iter_mut().enumerate() {
        assert_eq!(client.line(), format!("done {i}"));
    }
    let (server, report) = serving.shutdown();
    assert_eq!(report.cut_off, 0);
    assert_eq!(server.stats().served, CLIENTS as u64);
    assert_eq!(server.stats().rejected, 0);
}
