//! `shutdown_and_wait` from inside a request of the same server: it
//! cannot wait for the drain that waits for it, so it starts the shutdown
//! and returns, under every strategy, for raw and message handlers, with
//! and without a drain limit. From any other thread it still waits until
//! `serve_forever` has returned.
//!
//! A regression here would hang a handler and the serving thread for
//! ever, so these tests never join the serving thread before it has
//! reported: they wait on channels with a bound and fail instead.

mod util;

use crossbeam_channel::{bounded, Receiver, RecvTimeoutError, Sender};
use socketserver::{
    Action, Concurrency, Connection, Dispatch, DrainReport, Job, MessageHandler, Messages, Overload, Reply,
    RequestHandler, Server, ShutdownHandle, SingleThread, Tcp, ThreadPerConnection, ThreadPool,
};
use std::io::{self, BufRead, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use util::{capture_logs, logs, wait_until, Gate, LineClient, LOCAL, PATIENCE, PROMPT};

/// The drain timeouts every case runs with: no limit, and a short one.
const DRAINS: [Duration; 2] = [Duration::ZERO, Duration::from_millis(200)];

/// What the handler asks for and answers.
const STOP: &str = "stop-and-wait";

/// A server running `serve_forever` on its own thread, which is never
/// joined unless it reported: a deadlocked server fails the test rather
/// than hanging it.
struct Running<C: Concurrency, H: RequestHandler<Connection>> {
    server: Arc<Server<Tcp, C, H>>,
    stop: ShutdownHandle,
    done: Receiver<io::Result<DrainReport>>,
}

fn run<C: Concurrency, H: RequestHandler<Connection>>(server: Server<Tcp, C, H>) -> Running<C, H> {
    let server = Arc::new(server);
    let stop = server.shutdown_handle();
    let (report, done) = bounded(1);
    let serving = Arc::clone(&server);
    std::thread::spawn(move || {
        let _ = report.send(serving.serve_forever());
    });
    Running { server, stop, done }
}

impl<C: Concurrency, H: RequestHandler<Connection>> Running<C, H> {
    fn client(&self) -> LineClient<std::net::TcpStream> {
        LineClient::tcp(self.server.local_addr().as_inet().unwrap())
    }

    /// The drain report, if `serve_forever` returns within `limit`.
    fn report_within(&self, limit: Duration) -> DrainReport {
        match self.done.recv_timeout(limit) {
            Ok(report) => report.expect("serve_forever failed"),
            Err(_) => panic!("serve_forever did not return within {limit:?}: deadlocked"),
        }
    }
}

/// A raw handler that echoes lines and calls `shutdown_and_wait` on
/// [`STOP`] (`times` times), telling the test when it returned.
struct RawStopper {
    returned: Sender<()>,
    times: usize,
}

impl RequestHandler<Connection> for RawStopper {
    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        let mut line = String::new();
        while conn.read_line(&mut line)? > 0 {
            if line.trim() == STOP {
                for _ in 0..self.times {
                    conn.server().shutdown_handle().shutdown_and_wait();
                }
                let _ = self.returned.send(());
            }
            conn.write_all(line.as_bytes())?;
            line.clear();
        }
        Ok(())
    }
}

/// The same as a message handler, which has no connection to reach its
/// server through: it is given the handle once the server is bound.
struct MessageStopper {
    stop: Arc<OnceLock<ShutdownHandle>>,
    returned: Sender<()>,
}

impl MessageHandler for MessageStopper {
    type Session = ();

    fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
        if message == STOP.as_bytes() {
            self.stop.get().expect("the handle is set before any client connects").shutdown_and_wait();
            let _ = self.returned.send(());
        }
        reply.push(message);
        Action::Continue
    }
}

/// A strategy as a user writes one: a new thread for each job, with the
/// dispatch it is given (a job per connection, or loops running the
/// reactor).
#[derive(Debug)]
struct Spawn(Dispatch);

impl Concurrency for Spawn {
    fn execute(&self, job: Job) {
        std::thread::spawn(move || job.run());
    }

    fn dispatch(&self) -> Dispatch {
        self.0
    }

    fn describe(&self) -> String {
        format!("spawn ({:?})", self.0)
    }
}

/// A user's strategy whose jobs run the reactor, as a pool's do.
fn spawned_loops() -> Spawn {
    Spawn(Dispatch::Loops { loops: 2, queue: 4, overload: Overload::Wait })
}

/// Serves `handler`, has a client ask for [`STOP`], and checks that
/// `shutdown_and_wait` returns in the handler and `serve_forever` returns
/// within the drain timeout and a grace, with the reply delivered.
fn stop_from_inside<C: Concurrency, H: RequestHandler<Connection>>(
    concurrency: C,
    drain: Duration,
    handler: H,
    returned: &Receiver<()>,
    stop_slot: Option<&OnceLock<ShutdownHandle>>,
) {
    let what = format!("{} with a drain timeout of {drain:?}", concurrency.describe());
    let server =
        Server::builder(handler).concurrency(concurrency).drain_timeout(drain).bind::<Tcp>(LOCAL).unwrap();
    if let Some(slot) = stop_slot {
        slot.set(server.shutdown_handle()).unwrap();
    }
    let running = run(server);
    let mut client = running.client();
    assert_eq!(client.ask("hello"), "hello");
    let started = Instant::now();
    client.send(format!("{STOP}\n").as_bytes());
    let limit = drain + PROMPT;
    match returned.recv_timeout(limit) {
        Ok(()) => {}
        Err(RecvTimeoutError::Timeout) => panic!("{what}: shutdown_and_wait in a handler deadlocked"),
        Err(RecvTimeoutError::Disconnected) => panic!("{what}: the handler is gone"),
    }
    let waited = started.elapsed();
    assert_eq!(client.line(), STOP, "{what}: the reply was lost");
    let report = running.report_within(limit.saturating_sub(started.elapsed()));
    eprintln!(
        "{what}: shutdown_and_wait returned after {waited:?}, serve_forever after {:?}: {report:?}",
        started.elapsed()
    );
    assert!(running.stop.is_shutting_down());
    if drain.is_zero() {
        assert_eq!(report.cut_off, 0, "{what}: nothing is cut off without a limit");
    }
    assert!(client.closed(), "{what}: the client's connection outlived the drain");
}

fn raw_case<C: Concurrency>(concurrency: impl Fn() -> C) {
    for drain in DRAINS {
        let (returned_tx, returned) = bounded(1);
        stop_from_inside(
            concurrency(),
            drain,
            RawStopper { returned: returned_tx, times: 1 },
            &returned,
            None,
        );
    }
}

fn message_case<C: Concurrency>(concurrency: impl Fn() -> C) {
    for drain in DRAINS {
        let (returned_tx, returned) = bounded(1);
        let stop = Arc::new(OnceLock::new());
        let handler = Messages::new(MessageStopper { stop: Arc::clone(&stop), returned: returned_tx });
        stop_from_inside(concurrency(), drain, handler, &returned, Some(&stop));
    }
}

#[test]
fn single_thread_raw_handler() {
    raw_case(|| SingleThread);
}

#[test]
fn single_thread_message_handler() {
    message_case(|| SingleThread);
}

#[test]
fn pool_raw_handler() {
    raw_case(|| ThreadPool::new(2));
}

#[test]
fn pool_message_handler() {
    message_case(|| ThreadPool::new(2));
}

#[test]
fn thread_per_connection_raw_handler() {
    raw_case(ThreadPerConnection::new);
}

#[test]
fn thread_per_connection_message_handler() {
    message_case(ThreadPerConnection::new);
}

#[test]
fn user_strategy_raw_handler() {
    raw_case(|| Spawn(Dispatch::Blocking));
    raw_case(spawned_loops);
}

#[test]
fn user_strategy_message_handler() {
    message_case(|| Spawn(Dispatch::Blocking));
    message_case(spawned_loops);
}

/// The warning that `shutdown_and_wait` did not wait is logged once per
/// server, however often it is called.
#[test]
fn the_warning_is_logged_once() {
    capture_logs();
    let (returned_tx, returned) = bounded(1);
    let server = Server::builder(RawStopper { returned: returned_tx, times: 3 })
        .concurrency(ThreadPool::new(2))
        .bind::<Tcp>(LOCAL)
        .unwrap();
    let local = server.local_addr().to_string();
    let running = run(server);
    let mut client = running.client();
    assert_eq!(client.ask(STOP), STOP);
    returned.recv_timeout(PATIENCE).expect("the handler never returned");
    running.report_within(PROMPT);
    let warnings = logs()
        .lock()
        .iter()
        .filter(|(level, message)| {
            *level == log::Level::Warn && message.contains("shutdown_and_wait") && message.contains(&local)
        })
        .count();
    assert_eq!(warnings, 1);
}

/// A raw handler that holds its request at a gate after telling the test
/// it runs, and marks it finished when let through.
struct Held {
    entered: Sender<()>,
    gate: Arc<Gate>,
    finished: Arc<AtomicBool>,
}

impl RequestHandler<Connection> for Held {
    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        let mut line = String::new();
        conn.read_line(&mut line)?;
        let _ = self.entered.send(());
        assert!(self.gate.wait(), "the test never opened the gate");
        self.finished.store(true, Ordering::SeqCst);
        conn.write_all(line.as_bytes())
    }
}

/// From a thread that runs no request, `shutdown_and_wait` waits for the
/// drain, which waits for the held request: it returns only once the
/// request has finished and `serve_forever` has returned.
fn other_thread_waits<C: Concurrency>(concurrency: C) {
    let what = concurrency.describe();
    let (entered_tx, entered) = bounded(1);
    let (gate, finished) = (Gate::new(), Arc::new(AtomicBool::new(false)));
    let handler = Held { entered: entered_tx, gate: Arc::clone(&gate), finished: Arc::clone(&finished) };
    let server = Server::builder(handler)
        .concurrency(concurrency)
        .drain_timeout(Duration::ZERO)
        .bind::<Tcp>(LOCAL)
        .unwrap();
    let running = run(server);
    let mut client = running.client();
    client.send(b"held\n");
    entered.recv_timeout(PATIENCE).expect("the handler never ran");

    let (returned_tx, returned) = bounded(1);
    let stop = running.stop.clone();
    let seen = Arc::clone(&finished);
    std::thread::spawn(move || {
        stop.shutdown_and_wait();
        let _ = returned_tx.send(seen.load(Ordering::SeqCst));
    });
    wait_until("the shutdown to begin", || running.stop.is_shutting_down());
    assert!(returned.try_recv().is_err(), "{what}: shutdown_and_wait returned with a request in flight");
    gate.open();
    let request_finished = returned.recv_timeout(PATIENCE).expect("shutdown_and_wait never returned");
    assert!(request_finished, "{what}: shutdown_and_wait returned before the request finished");
    // serve_forever has returned: its report is on its way.
    let report = running.report_within(PROMPT);
    assert_eq!((report.in_flight, report.cut_off), (1, 0), "{what}: {report:?}");
    assert_eq!(client.line(), "held");
}

#[test]
fn from_another_thread_it_waits_for_the_drain() {
    other_thread_waits(SingleThread);
    other_thread_waits(ThreadPool::new(2));
    other_thread_waits(ThreadPerConnection::new());
}

/// The server that [`StopsTheOther`] stops.
type Other = Server<Tcp, ThreadPool, RawStopper>;

/// Answers a line by waiting for another server's drain.
struct StopsTheOther {
    other: Arc<OnceLock<Arc<Other>>>,
}

impl RequestHandler<Connection> for StopsTheOther {
    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        let mut line = String::new();
        conn.read_line(&mut line)?;
        let server = self.other.get().expect("set before any client connects");
        server.shutdown_handle().shutdown_and_wait();
        // That drain joined the other server's workers before its
        // serve_forever returned.
        writeln!(conn, "{}", server.concurrency().live_workers())
    }
}

/// The exemption is for a request of the same server: a handler that
/// waits for another server's drain waits for it.
#[test]
fn a_handler_waits_for_another_servers_drain() {
    let (unused_tx, _unused) = bounded(1);
    let other = Server::builder(RawStopper { returned: unused_tx, times: 1 })
        .concurrency(ThreadPool::new(2))
        .drain_timeout(Duration::ZERO)
        .bind::<Tcp>(LOCAL)
        .unwrap();
    let other = run(other);
    // Its serve_forever runs (a wait for a server not yet serving
    // returns at once: there is no drain to wait for).
    assert_eq!(other.client().ask("ping"), "ping");
    let slot = Arc::new(OnceLock::new());
    let _ = slot.set(Arc::clone(&other.server));
    let server = Server::builder(StopsTheOther { other: slot })
        .concurrency(ThreadPool::new(2))
        .bind::<Tcp>(LOCAL)
        .unwrap();
    let running = run(server);
    let mut client = running.client();
    assert_eq!(client.ask("stop the other"), "0");
    other.report_within(PROMPT);
    assert!(!running.stop.is_shutting_down());
    running.stop.shutdown();
    running.report_within(PROMPT);
}
