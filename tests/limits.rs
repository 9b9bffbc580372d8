//! Limits: idle and read timeouts close quiet clients, an over-long line
//! gets an error, `max_connections` and overload answer with the
//! handler's busy reply.

mod util;

use crossbeam_channel::{unbounded, Receiver, Sender};
use socketserver::{
    Action, MessageHandler, Messages, Overload, Reply, Server, SingleThread, Tcp, ThreadPool, Udp,
};
use std::sync::Arc;
use std::time::{Duration, Instant};
use util::{serve, wait_until, DatagramClient, Gate, LineClient, PATIENCE};

/// Answers in capitals; `wait` announces itself and holds at the gate
/// first. Busy: `busy`.
struct Upper(Arc<Gate>, Sender<()>);

impl MessageHandler for Upper {
    type Session = ();

    fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
        if message == b"wait" {
            let _ = self.1.send(());
            self.0.wait();
        }
        reply.push(&message.to_ascii_uppercase());
        Action::Continue
    }

    fn busy(&self, reply: &mut Reply<'_>) {
        reply.push_str("busy");
    }
}

fn upper() -> (Messages<Upper>, Arc<Gate>, Receiver<()>) {
    let gate = Gate::new();
    let (arrived, arrivals) = unbounded();
    (Messages::new(Upper(Arc::clone(&gate), arrived)), gate, arrivals)
}

#[test]
fn an_idle_client_is_closed_after_the_idle_timeout() {
    let idle = Duration::from_millis(100);
    let server = Server::builder(upper().0).idle_timeout(idle).bind::<Tcp>("127.0.0.1:0").unwrap();
    let serving = serve(server);
    let mut client = LineClient::tcp(serving.inet());
    // The server's idle wait begins after it has written the answer, so
    // after this instant (the client cannot know when the server's
    // began; measuring from the answer's arrival would let the server's
    // clock start first).
    let asked = Instant::now();
    assert_eq!(client.ask("hi"), "HI");
    assert!(client.closed(), "the idle connection stayed open");
    assert!(asked.elapsed() >= idle, "closed {:?} after the request", asked.elapsed());
    assert!(asked.elapsed() < PATIENCE);
}

#[test]
fn a_message_not_completed_in_the_read_timeout_is_dropped() {
    let read = Duration::from_millis(100);
    let server = Server::builder(upper().0).read_timeout(read).bind::<Tcp>("127.0.0.1:0").unwrap();
    let serving = serve(server);
    let mut client = LineClient::tcp(serving.inet());
    let started = Instant::now();
    client.send(b"no newline");
    assert!(client.closed(), "a stalled message kept its connection");
    assert!(started.elapsed() >= read);
}

#[test]
fn an_unterminated_line_is_answered_after_the_grace() {
    let messages = upper().0.unterminated_after(Duration::from_millis(50));
    let server = Server::builder(messages).bind::<Tcp>("127.0.0.1:0").unwrap();
    let serving = serve(server);
    let mut client = LineClient::tcp(serving.inet());
    client.send(b"John");
    assert_eq!(client.line(), "JOHN");
    assert_eq!(client.ask("next"), "NEXT");
}

#[test]
fn a_line_past_max_message_size_gets_an_error_and_a_close() {
    let server = Server::builder(upper().0).max_message_size(16).bind::<Tcp>("127.0.0.1:0").unwrap();
    let serving = serve(server);
    let mut client = LineClient::tcp(serving.inet());
    assert_eq!(client.ask("short"), "SHORT");
    client.send(&[b'x'; 40]);
    client.send(b"\n");
    assert_eq!(client.line(), "ERROR: message longer than the limit of 16 bytes");
    assert!(client.closed());
}

#[test]
fn max_connections_answers_with_the_busy_reply() {
    let (messages, gate, _) = upper();
    let server = Server::builder(messages)
        .concurrency(ThreadPool::new(4))
        .max_connections(1)
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    let serving = serve(server);
    let mut first = LineClient::tcp(serving.inet());
    first.send(b"wait\n");
    wait_until("the first connection to be admitted", || serving.server.stats().active == 1);
    let mut second = LineClient::tcp(serving.inet());
    assert_eq!(second.line(), "busy");
    assert!(second.closed());
    gate.open();
    assert_eq!(first.line(), "WAIT");
    let (server, _) = serving.shutdown();
    assert_eq!(server.stats().rejected, 1);
}

#[test]
fn an_overloaded_datagram_server_answers_busy() {
    let (messages, gate, arrivals) = upper();
    let pool = ThreadPool::new(1).queue(1).overload(Overload::Reject);
    let server = Server::builder(messages).concurrency(pool).bind::<Udp>("127.0.0.1:0").unwrap();
    let serving = serve(server);
    let running = DatagramClient::udp(serving.inet());
    running.send(b"wait\n");
    arrivals.recv_timeout(PATIENCE).expect("the worker never took the first datagram");
    let queued = DatagramClient::udp(serving.inet());
    queued.send(b"queued\n");
    wait_until("the second datagram to be queued", || serving.server.stats().active == 2);
    let refused = DatagramClient::udp(serving.inet());
    assert_eq!(refused.ask("hello"), "busy");
    gate.open();
    assert_eq!(running.recv(), b"WAIT\n");
    assert_eq!(queued.recv(), b"QUEUED\n");
    let (server, _) = serving.shutdown();
    assert_eq!(server.stats().rejected, 1);
}

#[test]
fn single_thread_serves_one_connection_at_a_time() {
    let server = Server::builder(upper().0).concurrency(SingleThread).bind::<Tcp>("127.0.0.1:0").unwrap();
    let serving = serve(server);
    let mut first = LineClient::tcp(serving.inet());
    assert_eq!(first.ask("one"), "ONE");
    let mut second = LineClient::tcp(serving.inet());
    second.send(b"two\n");
    drop(first);
    assert_eq!(second.line(), "TWO");
}
