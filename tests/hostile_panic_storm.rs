//! A thousand requests whose handler panics: every panic is contained,
//! logged once with its peer, and the pool keeps its size.

mod util;

use socketserver::{Action, MessageHandler, Messages, Reply, Server, Tcp, ThreadPool};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;
use util::{capture_logs, logs, quiet_panics, serve, threads_named, LOCAL, PATIENCE};

struct Fragile;

impl MessageHandler for Fragile {
    type Session = ();

    fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
        if message == b"boom" {
            panic!("asked to panic");
        }
        reply.push(message);
        Action::Continue
    }
}

const STORM: usize = 1000;
const WORKERS: usize = 4;

fn ask(addr: std::net::SocketAddr, line: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(format!("{line}\n").as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = BufReader::new(stream).read_line(&mut answer);
    answer
}

#[test]
fn panics_are_contained_logged_once_and_the_pool_keeps_its_size() {
    capture_logs();
    quiet_panics();
    let builder = Server::builder(Messages::new(Fragile)).concurrency(ThreadPool::new(WORKERS).name("storm"));
    let running = serve(builder.bind::<Tcp>(LOCAL).unwrap());
    let handle = running.server.handle().clone();

    for _ in 0..STORM {
        assert_eq!(ask(running.inet(), "boom"), "", "a panicking request gets no answer, only a close");
    }
    assert_eq!(ask(running.inet(), "still here"), "still here\n");

    let stats = handle.stats();
    assert_eq!(stats.panics, STORM as u64);
    let panic_logs = logs()
        .lock()
        .iter()
        .filter(|(level, text)| *level == log::Level::Error && text.contains("asked to panic"))
        .map(|(_, text)| text.clone())
        .collect::<Vec<_>>();
    assert_eq!(panic_logs.len(), STORM, "each panic logged exactly once");
    assert!(panic_logs.iter().all(|text| text.contains("127.0.0.1:")), "each log names the peer");

    let workers_alive = threads_named("storm-");
    assert_eq!(workers_alive, WORKERS, "the pool did not shrink");
    running.stop_within(Duration::from_secs(5));
}
