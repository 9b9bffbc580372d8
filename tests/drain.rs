//! Shutdown under load: every request the server had read gets its reply
//! before the drain ends; a handler that outlives the drain timeout is
//! cut off and its connection closed.

mod util;

use crossbeam_channel::{unbounded, Receiver, Sender};
use socketserver::{
    Action, Concurrency, MessageHandler, Messages, Reply, Server, SingleThread, Tcp, ThreadPerConnection,
    ThreadPool,
};
use std::sync::Arc;
use std::time::{Duration, Instant};
use util::{serve, wait_until, Gate, LineClient, Upper, PATIENCE};

/// Answers `re MESSAGE`; the first message of each connection announces
/// itself and waits at the gate, so the rest pile up behind it.
struct Slow {
    arrived: Sender<()>,
    gate: Arc<Gate>,
}

impl MessageHandler for Slow {
    /// Whether this connection's first message has been through the gate.
    type Session = bool;

    fn handle(&self, through: &mut bool, message: &[u8], reply: &mut Reply<'_>) -> Action {
        if !*through {
            let _ = self.arrived.send(());
            self.gate.wait();
            *through = true;
        }
        reply.push(b"re ");
        reply.push(message);
        Action::Continue
    }
}

/// A slow server, what its handlers announce, and their gate.
type Slowed = (Server<Tcp, ThreadPool, Messages<Slow>>, Receiver<()>, Arc<Gate>);

fn slow(workers: usize, drain: Duration) -> Slowed {
    let (arrived, arrivals) = unbounded();
    let gate = Gate::new();
    let handler = Slow { arrived, gate: Arc::clone(&gate) };
    let server = Server::builder(Messages::new(handler))
        .concurrency(ThreadPool::new(workers))
        .drain_timeout(drain)
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    (server, arrivals, gate)
}

#[test]
fn pipelined_requests_in_flight_all_get_replies() {
    const CLIENTS: usize = 4;
    const PIPELINED: usize = 5;
    let (server, arrivals, gate) = slow(CLIENTS + 1, Duration::from_secs(5));
    let serving = serve(server);
    let mut clients: Vec<_> = (0..CLIENTS).map(|_| LineClient::tcp(serving.inet())).collect();
    for (c, client) in clients.iter_mut().enumerate() {
        let batch: String = (0..PIPELINED).map(|m| format!("c{c} m{m}\n")).collect();
        client.send(batch.as_bytes());
    }
    for _ in 0..CLIENTS {
        arrivals.recv_timeout(PATIENCE).expect("a request did not reach its handler");
    }
    let mut idle = LineClient::tcp(serving.inet());
    wait_until("the idle connection's handler to start", || {
        serving.server.stats().active == CLIENTS as u64 + 1
    });

    serving.stop.shutdown();
    // The drain has begun: the idle connection's handler saw end of stream.
    assert!(idle.closed(), "the idle connection was not closed by the drain");
    gate.open();
    let (_, report) = serving.finish(PATIENCE);
    // The four with requests under way; not the idle one.
    assert_eq!((report.in_flight, report.cut_off), (CLIENTS, 0), "{report:?}");
    for (c, client) in clients.iter_mut().enumerate() {
        for m in 0..PIPELINED {
            assert_eq!(client.line(), format!("re c{c} m{m}"));
        }
        assert!(client.closed());
    }
}

#[test]
fn a_handler_past_the_drain_timeout_is_cut_off() {
    let drain = Duration::from_millis(200);
    let (server, arrivals, gate) = slow(1, drain);
    let serving = serve(server);
    let mut client = LineClient::tcp(serving.inet());
    client.send(b"stuck\n");
    arrivals.recv_timeout(PATIENCE).unwrap();
    let started = Instant::now();
    serving.stop.shutdown();
    assert!(client.closed(), "the cut-off connection was not closed");
    assert!(started.elapsed() >= drain, "closed before the drain timeout");
    gate.open();
    let (_, report) = serving.finish(PATIENCE);
    assert_eq!(report.in_flight, 1);
    assert_eq!(report.cut_off, 1);
    assert!(report.elapsed >= drain);
}

/// Zero means "no limit" for every duration, the drain timeout too: the
/// drain waits for the request however long it takes, as Python's
/// `server_close` waits for its threads.
#[test]
fn a_zero_drain_timeout_waits_for_every_request() {
    let (server, arrivals, gate) = slow(1, Duration::ZERO);
    let serving = serve(server);
    let mut client = LineClient::tcp(serving.inet());
    client.send(b"slow\n");
    arrivals.recv_timeout(PATIENCE).unwrap();
    serving.stop.shutdown();
    // Were zero "cut off at once", the connection would close now.
    client.stream().set_read_timeout(Some(Duration::from_millis(300))).unwrap();
    let mut byte = [0; 1];
    let waited = std::io::Read::read(&mut client.stream(), &mut byte).unwrap_err();
    assert_eq!(waited.kind(), std::io::ErrorKind::WouldBlock, "{waited}");
    client.stream().set_read_timeout(Some(PATIENCE)).unwrap();
    gate.open();
    assert_eq!(client.line(), "re slow");
    let (_, report) = serving.finish(PATIENCE);
    assert_eq!((report.in_flight, report.cut_off), (1, 0), "{report:?}");
}

/// Clients that had sent half a line when the drain began.
const HALF: usize = 5;
/// The unterminated-line grace, which does not run while draining.
const GRACE: Duration = Duration::from_millis(300);

/// Half of a line before the drain, the rest after it: every client gets
/// its whole line answered (not the half as a line of its own after the
/// grace, not a close), under every strategy, and the report counts
/// each in flight.
fn half_lines_finish_in_the_drain<C: Concurrency>(concurrency: C) {
    let messages = Messages::new(Upper).unterminated_after(GRACE);
    let server = Server::builder(messages).concurrency(concurrency).drain_timeout(PATIENCE);
    let serving = serve(server.bind::<Tcp>("127.0.0.1:0").unwrap());
    let mut clients: Vec<_> = (0..HALF).map(|_| LineClient::tcp(serving.inet())).collect();
    for client in &mut clients {
        client.send(b"jo");
    }
    serving.stop.shutdown();
    // Past the grace, nothing is answered: the half line waits.
    let stream = clients[0].stream();
    stream.set_read_timeout(Some(GRACE + Duration::from_millis(100))).unwrap();
    let waited = std::io::Read::read(&mut clients[0].stream(), &mut [0; 1]).unwrap_err();
    assert_eq!(waited.kind(), std::io::ErrorKind::WouldBlock, "{waited}");
    clients[0].stream().set_read_timeout(Some(PATIENCE)).unwrap();
    for client in &mut clients {
        client.send(b"hn\n");
    }
    for client in &mut clients {
        assert_eq!(client.line(), "JOHN");
        assert!(client.closed(), "the connection stayed open after its answer in the drain");
    }
    let (_, report) = serving.finish(PATIENCE);
    assert_eq!((report.in_flight, report.cut_off), (HALF, 0), "{report:?}");
}

#[test]
fn half_lines_finish_in_the_drain_on_a_pool() {
    half_lines_finish_in_the_drain(ThreadPool::new(2));
}

#[test]
fn half_lines_finish_in_the_drain_on_one_thread() {
    half_lines_finish_in_the_drain(SingleThread);
}

#[test]
fn half_lines_finish_in_the_drain_with_a_thread_per_connection() {
    half_lines_finish_in_the_drain(ThreadPerConnection::new());
}
