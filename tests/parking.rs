//! Under a saturated ThreadPool, message connections waiting for bytes
//! park: they give their worker back, are served again when bytes arrive,
//! still time out when idle, and close promptly on shutdown.

mod hostile_util;

use crossbeam_channel::{unbounded, Receiver, Sender};
use hostile_util::{eventually, start};
use socketserver::{
    Action, Connection, MessageHandler, Messages, Reply, RequestHandler, Server, Tcp, ThreadPool,
};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

struct Echo;

impl MessageHandler for Echo {
    type Session = u32;

    fn handle(&self, count: &mut u32, message: &[u8], reply: &mut Reply<'_>) -> Action {
        *count += 1;
        reply.push_str(&format!("{count} "));
        reply.push(message);
        Action::Continue
    }
}

const WORKERS: usize = 2;
const IDLE_CLIENTS: usize = 40;

/// A line client that keeps its reader (and so its buffered bytes).
struct Client(BufReader<TcpStream>);

impl Client {
    fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        Client(BufReader::new(stream))
    }

    fn ask(&mut self, line: &str) -> String {
        self.0.get_mut().write_all(format!("{line}\n").as_bytes()).unwrap();
        let mut answer = String::new();
        self.0.read_line(&mut answer).unwrap();
        answer
    }
}

#[test]
fn idle_connections_give_their_workers_back() {
    let builder = Server::builder(Messages::new(Echo)).concurrency(ThreadPool::new(WORKERS).queue(64));
    let mut handle = None;
    let running = start::<Tcp, _, _>(builder, |server| handle = Some(server.handle().clone()));
    let handle = handle.unwrap();

    // Far more idle connections than workers, each mid-session.
    let mut idle: Vec<Client> = (0..IDLE_CLIENTS).map(|_| Client::connect(running.addr)).collect();
    for client in &mut idle {
        assert_eq!(client.ask("hello"), "1 hello\n");
    }
    assert!(
        eventually(Duration::from_secs(5), || handle.stats().waiting as usize >= IDLE_CLIENTS - WORKERS),
        "idle connections did not park: {:?}",
        handle.stats()
    );

    // A newcomer is served at once, not after some idle timeout.
    let started = Instant::now();
    assert_eq!(Client::connect(running.addr).ask("new"), "1 new\n");
    assert!(started.elapsed() < Duration::from_secs(2), "newcomer waited {:?}", started.elapsed());

    // Every parked connection resumes its own session where it was.
    for client in &mut idle {
        assert_eq!(client.ask("again"), "2 again\n");
    }
    let report = running.stop_within(Duration::from_secs(5));
    assert_eq!(report.cut_off, 0, "{report:?}");
}

#[test]
fn parked_connections_still_time_out() {
    let idle_timeout = Duration::from_millis(400);
    let builder =
        Server::builder(Messages::new(Echo)).concurrency(ThreadPool::new(1)).idle_timeout(idle_timeout);
    let running = start::<Tcp, _, _>(builder, |_| {});
    let mut clients: Vec<Client> = (0..5).map(|_| Client::connect(running.addr)).collect();
    let started = Instant::now();
    for client in &mut clients {
        assert_eq!(client.ask("hi"), "1 hi\n");
    }
    for client in &mut clients {
        let mut rest = Vec::new();
        client.0.read_to_end(&mut rest).unwrap();
        assert!(rest.is_empty());
    }
    let waited = started.elapsed();
    assert!(waited >= idle_timeout, "closed before the idle timeout: {waited:?}");
    assert!(waited < Duration::from_secs(4), "idle connections lingered {waited:?}");
    running.stop_within(Duration::from_secs(5));
}

#[test]
fn shutdown_closes_parked_connections_promptly() {
    let builder = Server::builder(Messages::new(Echo)).concurrency(ThreadPool::new(1));
    let mut handle = None;
    let running = start::<Tcp, _, _>(builder, |server| handle = Some(server.handle().clone()));
    let handle = handle.unwrap();
    let mut clients: Vec<Client> = (0..10).map(|_| Client::connect(running.addr)).collect();
    for client in &mut clients {
        assert_eq!(client.ask("hi"), "1 hi\n");
    }
    assert!(eventually(Duration::from_secs(5), || handle.stats().waiting >= 9), "{:?}", handle.stats());
    let report = running.stop_within(Duration::from_secs(2));
    assert_eq!(report.cut_off, 0, "{report:?}");
    for client in &mut clients {
        let mut rest = Vec::new();
        client.0.read_to_end(&mut rest).unwrap();
        assert!(rest.is_empty());
    }
}

/// Echoes like [`Echo`], but a `block` message announces itself and waits
/// for a release, holding its worker.
struct Blocking {
    started: Sender<()>,
    release: Receiver<()>,
}

impl MessageHandler for Blocking {
    type Session = u32;

    fn handle(&self, count: &mut u32, message: &[u8], reply: &mut Reply<'_>) -> Action {
        if message == b"block" {
            let _ = self.started.send(());
            let _ = self.release.recv_timeout(Duration::from_secs(10));
        }
        Echo.handle(count, message, reply)
    }
}

/// A blocking handler, its announcements, and its release.
fn blocking() -> (Blocking, Receiver<()>, Sender<()>) {
    let ((started, announced), (released, release)) = (unbounded(), unbounded());
    (Blocking { started, release }, announced, released)
}

/// Waits until `duration` has passed (a timer, not a synchronisation).
fn let_pass(duration: Duration) {
    let _ = crossbeam_channel::after(duration).recv();
}

/// A parked client sends in time but waits in the queue past its idle
/// deadline: the time spent waiting for a worker is not idleness, and its
/// message is answered.
#[test]
fn waiting_for_a_worker_is_not_idleness() {
    let (handler, started, release) = blocking();
    let idle = Duration::from_millis(500);
    let builder = Server::builder(Messages::new(handler)).concurrency(ThreadPool::new(1)).idle_timeout(idle);
    let mut handle = None;
    let running = start::<Tcp, _, _>(builder, |server| handle = Some(server.handle().clone()));
    let handle = handle.unwrap();
    let mut a = Client::connect(running.addr);
    assert_eq!(a.ask("hi"), "1 hi\n");
    let idle_from = Instant::now();
    assert!(eventually(Duration::from_secs(2), || handle.stats().waiting == 1));
    let mut b = TcpStream::connect(running.addr).unwrap();
    b.write_all(b"block\n").unwrap();
    started.recv_timeout(Duration::from_secs(5)).unwrap();
    a.0.get_mut().write_all(b"hello\n").unwrap();
    assert!(idle_from.elapsed() < idle, "the test was too slow to send within the idle timeout");
    let_pass((idle + Duration::from_millis(200)).saturating_sub(idle_from.elapsed()));
    release.send(()).unwrap();
    let mut answer = String::new();
    a.0.read_line(&mut answer).unwrap();
    assert_eq!(answer, "2 hello\n");
    running.stop_within(Duration::from_secs(5));
}

/// A handler that wraps `Messages` (a banner, then the message loop, then
/// a farewell) is never cut short by parking: its connections do not park.
struct Banner(Messages<Echo>);

impl RequestHandler<Connection> for Banner {
    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        conn.write_all(b"welcome\n")?;
        RequestHandler::<Connection>::handle(&self.0, conn)?;
        conn.write_all(b"bye\n")
    }
}

#[test]
fn a_wrapping_handler_is_not_cut_short() {
    let builder = Server::builder(Banner(Messages::new(Echo))).concurrency(ThreadPool::new(1));
    let running = start::<Tcp, _, _>(builder, |_| {});
    let mut client = Client::connect(running.addr);
    let mut line = String::new();
    client.0.read_line(&mut line).unwrap();
    assert_eq!(line, "welcome\n");
    assert_eq!(client.ask("hi"), "1 hi\n");
    assert_eq!(client.ask("again"), "2 again\n");
    client.0.get_mut().shutdown(std::net::Shutdown::Write).unwrap();
    let mut rest = String::new();
    client.0.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "bye\n");
    running.stop_within(Duration::from_secs(5));
}

/// A parked connection whose message arrived before shutdown, still
/// waiting for a worker when shutdown begins, is served during the drain.
#[test]
fn a_message_sent_before_shutdown_is_answered_during_the_drain() {
    let (handler, started, release) = blocking();
    let builder = Server::builder(Messages::new(handler))
        .concurrency(ThreadPool::new(1).queue(1))
        .drain_timeout(Duration::from_secs(3));
    let mut handle = None;
    let running = start::<Tcp, _, _>(builder, |server| handle = Some(server.handle().clone()));
    let handle = handle.unwrap();
    let mut a = Client::connect(running.addr);
    assert_eq!(a.ask("hi"), "1 hi\n");
    assert!(eventually(Duration::from_secs(2), || handle.stats().waiting == 1));
    let mut b = TcpStream::connect(running.addr).unwrap();
    b.write_all(b"block\n").unwrap();
    started.recv_timeout(Duration::from_secs(5)).unwrap();
    let queued = TcpStream::connect(running.addr).unwrap();
    assert!(eventually(Duration::from_secs(2), || handle.stats().active == 3), "{:?}", handle.stats());
    a.0.get_mut().write_all(b"hello\n").unwrap();
    assert!(eventually(Duration::from_secs(2), || handle.stats().waiting == 0), "{:?}", handle.stats());
    running.stop.shutdown();
    release.send(()).unwrap();
    let mut answer = String::new();
    a.0.read_line(&mut answer).unwrap();
    assert_eq!(answer, "2 hello\n");
    let report = running.thread.join().unwrap().unwrap();
    assert_eq!(report.cut_off, 0, "{report:?}");
    drop((b, queued));
}
