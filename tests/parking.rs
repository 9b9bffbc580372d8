//! Under a saturated ThreadPool, message connections waiting for bytes
//! park: they give their worker back, are served again when bytes arrive,
//! still time out when idle, and close promptly on shutdown.

mod hostile_util;

use hostile_util::{eventually, start};
use socketserver::{Action, MessageHandler, Messages, Reply, Server, Tcp, ThreadPool};
use std::io::{BufRead, BufReader, Read, Write};
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
        eventually(Duration::from_secs(5), || handle.stats().parked as usize >= IDLE_CLIENTS - WORKERS),
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
    assert!(eventually(Duration::from_secs(5), || handle.stats().parked >= 9), "{:?}", handle.stats());
    let report = running.stop_within(Duration::from_secs(2));
    assert_eq!(report.cut_off, 0, "{report:?}");
    for client in &mut clients {
        let mut rest = Vec::new();
        client.0.read_to_end(&mut rest).unwrap();
        assert!(rest.is_empty());
    }
}
