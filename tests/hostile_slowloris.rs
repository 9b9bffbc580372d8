//! Slowloris: hundreds of connections trickling a message a byte at a
//! time are closed once the message's read timeout runs out, while a
//! normal client is served during the attack.

mod util;

use socketserver::{Action, MessageHandler, Messages, Reply, Server, Tcp, ThreadPerConnection};
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use util::{serve, LOCAL, PATIENCE};

struct Echo;

impl MessageHandler for Echo {
    type Session = ();

    fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
        reply.push(message);
        Action::Continue
    }
}

const ATTACKERS: usize = 300;
const READ_TIMEOUT: Duration = Duration::from_millis(600);
const TRICKLE: Duration = Duration::from_millis(100);

/// Whether the server has closed this connection (EOF or reset).
fn closed(stream: &mut TcpStream) -> bool {
    let mut byte = [0u8; 1];
    match stream.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(err) => err.kind() != ErrorKind::WouldBlock,
    }
}

/// What an attack came to: how long it lasted, how many trickling
/// connections were still open at the end, and how long the normal client
/// (connecting once the attack was under way) waited for its answer.
struct Outcome {
    lasted: Duration,
    still_open: usize,
    normal_client_waited: Duration,
}

/// Opens the attackers and trickles one byte per connection per tick,
/// never a newline, until the server has closed every one of them
/// (bounded at 5 s); a normal client asks once, two ticks in.
fn attack(addr: std::net::SocketAddr) -> Outcome {
    let mut attackers: Vec<TcpStream> = (0..ATTACKERS)
        .map(|_| {
            let stream = TcpStream::connect(addr).unwrap();
            stream.set_nonblocking(true).unwrap();
            stream
        })
        .collect();
    let began = Instant::now();
    let ticker = crossbeam_channel::tick(TRICKLE);
    let mut waited = None;
    while !attackers.is_empty() && began.elapsed() < Duration::from_secs(5) {
        attackers.retain_mut(|stream| !closed(stream) && stream.write_all(b"x").is_ok());
        if waited.is_none() && began.elapsed() > TRICKLE * 2 {
            waited = Some(normal_client(addr));
        }
        let _ = ticker.recv();
    }
    Outcome {
        lasted: began.elapsed(),
        still_open: attackers.len(),
        normal_client_waited: waited.expect("the attack ended before the normal client tried"),
    }
}

fn assert_contained(outcome: &Outcome) {
    let Outcome { lasted, still_open, normal_client_waited } = outcome;
    assert_eq!(*still_open, 0, "trickling connections still open after {lasted:?}");
    assert!(*lasted >= READ_TIMEOUT, "closed before the read timeout: {lasted:?}");
    assert!(
        *normal_client_waited < Duration::from_secs(1),
        "normal client waited {normal_client_waited:?} during the attack"
    );
}

#[test]
fn trickling_connections_are_closed_and_a_normal_client_is_served() {
    let builder = Server::builder(Messages::new(Echo))
        .concurrency(ThreadPerConnection::new().max_threads(1000))
        .read_timeout(READ_TIMEOUT)
        .idle_timeout(Duration::from_secs(30));
    let running = serve(builder.bind::<Tcp>(LOCAL).unwrap());
    assert_contained(&attack(running.inet()));
    running.stop_within(Duration::from_secs(5));
}

/// The same attack on a pool with far fewer workers than attackers: the
/// trickling connections park between bytes, so they never hold every
/// worker, and the normal client is still served during the attack.
#[test]
fn a_small_pool_survives_slowloris_too() {
    let builder = Server::builder(Messages::new(Echo))
        .concurrency(socketserver::ThreadPool::new(4).queue(512))
        .read_timeout(READ_TIMEOUT)
        .idle_timeout(Duration::from_secs(30));
    let running = serve(builder.bind::<Tcp>(LOCAL).unwrap());
    assert_contained(&attack(running.inet()));
    running.stop_within(Duration::from_secs(5));
}

/// A well-behaved client: one line, one answer. Returns how long it took.
fn normal_client(addr: std::net::SocketAddr) -> Duration {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(b"hello\n").unwrap();
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).unwrap();
    assert_eq!(line, "hello\n");
    started.elapsed()
}
