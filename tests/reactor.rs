//! Connections wait in the poller, not in threads: under a `ThreadPool`
//! (and `SingleThread`) idle, trickling and non-reading clients hold no
//! worker, each timeout fires from the poller, a handler that blocks holds
//! only its own thread, and the drain closes idle connections at once.

mod util;

use crossbeam_channel::{unbounded, Receiver, Sender};
use socketserver::{Action, MessageHandler, Messages, Reply, Server, SingleThread, Tcp, ThreadPool};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};
use util::{capture_logs, logs, raise_fd_limit, serve, wait_until, LineClient, Upper, PATIENCE};

/// Counts each session's messages; `block` waits for a release first.
struct Counting {
    started: Sender<()>,
    release: Receiver<()>,
}

impl MessageHandler for Counting {
    type Session = u32;

    fn handle(&self, count: &mut u32, message: &[u8], reply: &mut Reply<'_>) -> Action {
        if message == b"block" {
            let _ = self.started.send(());
            let _ = self.release.recv_timeout(PATIENCE);
        }
        *count += 1;
        reply.push_str(&format!("{count} "));
        reply.push(message);
        Action::Continue
    }
}

/// A counting handler, its announcements of `block`, and its release.
fn counting() -> (Counting, Receiver<()>, Sender<()>) {
    let ((started, announced), (released, release)) = (unbounded(), unbounded());
    (Counting { started, release }, announced, released)
}

fn connect(addr: std::net::SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
}

#[test]
fn idle_trickling_and_non_reading_clients_hold_no_worker() {
    const IDLE: usize = 500;
    const TRICKLING: usize = 500;
    const NOT_READING: usize = 200;
    let needed = 2 * (IDLE + TRICKLING + NOT_READING) + 64;
    assert!(raise_fd_limit(needed as libc::rlim_t) >= needed as libc::rlim_t, "needs {needed} descriptors");
    let server = Server::builder(Messages::new(Upper))
        .concurrency(ThreadPool::new(2))
        .max_connections(10_000)
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    let serving = serve(server);
    let addr = serving.inet();
    let mut normal = LineClient::tcp(addr);

    let idle: Vec<TcpStream> = (0..IDLE).map(|_| connect(addr)).collect();
    let mut trickling: Vec<TcpStream> = (0..TRICKLING).map(|_| connect(addr)).collect();
    let mut not_reading: Vec<TcpStream> = (0..NOT_READING).map(|_| connect(addr)).collect();
    // Pipelined requests whose replies are never read: enough to fill the
    // socket buffers both ways, so the server's writes would block.
    let flood = "x".repeat(1000) + "\n";
    for client in &mut not_reading {
        client.set_nonblocking(true).unwrap();
        for _ in 0..2000 {
            if client.write(flood.as_bytes()).map_or(true, |n| n < flood.len()) {
                break;
            }
        }
    }
    for round in 0..5u8 {
        for client in &mut trickling {
            client.write_all(&[b'a' + round]).unwrap();
        }
        assert_eq!(normal.ask(&format!("round {round}")), format!("ROUND {round}"));
    }
    let total = IDLE + TRICKLING + NOT_READING + 1;
    wait_until("every connection to wait in the poller", || serving.server.stats().waiting as usize >= total);
    let stats = serving.server.stats();
    assert_eq!(stats.blocking, 0, "a worker blocked on the network: {stats:?}");
    assert_eq!(normal.ask("still here"), "STILL HERE");
    drop((idle, trickling, not_reading));
    // Twelve hundred connections to close: more than the usual prompt.
    serving.stop.shutdown();
    serving.finish(PATIENCE);
}

#[test]
fn a_handler_that_blocks_holds_only_its_own_worker() {
    let (handler, started, release) = counting();
    let server =
        Server::builder(Messages::new(handler)).concurrency(ThreadPool::new(2)).bind::<Tcp>("127.0.0.1:0");
    let serving = serve(server.unwrap());
    let mut blocked = LineClient::tcp(serving.inet());
    blocked.send(b"block\n");
    started.recv_timeout(PATIENCE).expect("the handler never started");
    for n in 0..20 {
        let mut other = LineClient::tcp(serving.inet());
        assert_eq!(other.ask(&format!("hello {n}")), format!("1 hello {n}"));
    }
    release.send(()).unwrap();
    assert_eq!(blocked.line(), "1 block");
    serving.shutdown();
}

#[test]
fn single_thread_interleaves_message_connections() {
    let server = Server::builder(Messages::new(Upper)).concurrency(SingleThread).bind::<Tcp>("127.0.0.1:0");
    let serving = serve(server.unwrap());
    let mut first = LineClient::tcp(serving.inet());
    let mut second = LineClient::tcp(serving.inet());
    assert_eq!(first.ask("one"), "ONE");
    assert_eq!(second.ask("two"), "TWO");
    assert_eq!(first.ask("three"), "THREE");
    serving.shutdown();
}

/// Log lines closing the connection from `peer` for `why`, counted.
fn closings(peer: std::net::SocketAddr, why: &str) -> usize {
    let line = format!("closing connection from {peer}: {why}");
    logs().lock().iter().filter(|(_, message)| *message == line).count()
}

/// Each timeout closes its connection once, from the poller, logged at
/// debug as before.
#[test]
fn each_timeout_fires_once_from_the_poller() {
    capture_logs();
    let limit = Duration::from_millis(300);
    let server = Server::builder(Messages::new(Upper).unterminated_after(Duration::from_millis(100)))
        .concurrency(ThreadPool::new(1))
        .idle_timeout(limit)
        .read_timeout(limit)
        .write_timeout(limit)
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    let serving = serve(server);
    let addr = serving.inet();

    // Grace: a partial line followed by silence is a message.
    let mut grace = LineClient::tcp(addr);
    grace.send(b"no newline");
    assert_eq!(grace.line(), "NO NEWLINE");

    // Idle: closed after idle_timeout.
    let mut idle = LineClient::tcp(addr);
    assert_eq!(idle.ask("hi"), "HI");
    let began = Instant::now();
    assert!(idle.closed(), "the idle connection stayed open");
    assert!(began.elapsed() >= limit - Duration::from_millis(50), "closed early: {:?}", began.elapsed());

    // Read: a message begun and never finished within read_timeout,
    // though bytes keep coming (so the grace never applies).
    let mut stalled = connect(addr);
    let began = Instant::now();
    let mut closed = false;
    while began.elapsed() < PATIENCE && !closed {
        closed = stalled.write_all(b"x").is_err() || peer_closed(&stalled);
        std::thread::yield_now();
        let _ = crossbeam_channel::after(Duration::from_millis(20)).recv();
    }
    assert!(closed, "the stalled message was never cut off");

    // Write: a client that never reads its replies (and takes few bytes
    // into its receive buffer), so the server's writes would block.
    let mut deaf = deaf_client(addr);
    let flood = "y".repeat(4096) + "\n";
    while deaf.write_all(flood.as_bytes()).is_ok() {}
    let expected = [
        (idle.stream().local_addr().unwrap(), "idle longer than idle_timeout"),
        (stalled.local_addr().unwrap(), "message not completed within read_timeout"),
        (deaf.local_addr().unwrap(), "reply not read within write_timeout"),
    ];
    for (peer, why) in expected {
        wait_until(why, || closings(peer, why) >= 1);
    }
    drop((grace, idle, stalled, deaf));
    serving.shutdown();
    for (peer, why) in expected {
        assert_eq!(closings(peer, why), 1, "{why}");
    }
    let levels: Vec<_> = logs()
        .lock()
        .iter()
        .filter(|(_, message)| message.starts_with("closing connection"))
        .map(|(level, _)| *level)
        .collect();
    assert!(levels.iter().all(|level| *level == log::Level::Debug), "{levels:?}");
}

/// A client with a small receive buffer whose writes give up after a
/// moment.
fn deaf_client(addr: std::net::SocketAddr) -> TcpStream {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    socket.connect(&addr.into()).unwrap();
    let stream: TcpStream = socket.into();
    stream.set_write_timeout(Some(Duration::from_millis(200))).unwrap();
    stream
}

/// Whether the server has closed `stream` (a read sees end of stream).
fn peer_closed(stream: &TcpStream) -> bool {
    stream.set_nonblocking(true).unwrap();
    let mut byte = [0u8; 1];
    let closed = matches!((&*stream).read(&mut byte), Ok(0) | Err(_))
        && !matches!((&*stream).read(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock);
    stream.set_nonblocking(false).unwrap();
    closed
}

/// Drain: connections between requests close at once; a request being
/// handled finishes and its reply is flushed; a half-received one gets
/// until the deadline; the report counts exactly what was in flight.
#[test]
fn the_drain_closes_idle_connections_at_once_and_finishes_the_rest() {
    let (handler, started, release) = counting();
    let drain = Duration::from_millis(600);
    let server = Server::builder(Messages::new(handler))
        .concurrency(ThreadPool::new(2))
        .drain_timeout(drain)
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    let serving = serve(server);
    let addr = serving.inet();
    let mut idle: Vec<LineClient<TcpStream>> = (0..10).map(|_| LineClient::tcp(addr)).collect();
    for client in &mut idle {
        assert_eq!(client.ask("hi"), "1 hi");
    }
    let mut running = LineClient::tcp(addr);
    running.send(b"block\n");
    started.recv_timeout(PATIENCE).unwrap();
    let mut half = connect(addr);
    half.write_all(b"half a li").unwrap();
    wait_until("the half line to wait in the poller", || serving.server.stats().waiting == 11);

    let began = Instant::now();
    serving.stop.shutdown();
    for client in &mut idle {
        assert!(client.closed(), "an idle connection was not closed");
    }
    assert!(began.elapsed() < drain, "idle connections waited for the drain deadline");
    release.send(()).unwrap();
    assert_eq!(running.line(), "1 block");
    let mut rest = Vec::new();
    half.read_to_end(&mut rest).unwrap();
    assert!(
        began.elapsed() >= drain - Duration::from_millis(50),
        "the half request was cut before the deadline"
    );
    let (_, report) = serving.finish(PATIENCE);
    assert_eq!((report.in_flight, report.cut_off), (2, 1), "{report:?}");
    half.shutdown(Shutdown::Both).ok();
}
