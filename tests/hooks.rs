//! Server hooks: `verify_request` refuses peers before any handler runs,
//! `service_actions` runs on each loop turn, and a panicking
//! `handle_error` hurts nothing.

mod util;

use crossbeam_channel::{unbounded, Sender};
use socketserver::{
    Action, Address, Failure, Hooks, MessageHandler, Messages, Reply, Server, SingleThread, Tcp, ThreadPool,
    Udp,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use util::{serve, DatagramClient, LineClient, PATIENCE};

/// Echoes, counting the messages it sees.
struct Counted(Arc<AtomicUsize>);

impl MessageHandler for Counted {
    type Session = ();

    fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
        self.0.fetch_add(1, Ordering::SeqCst);
        reply.push(message);
        Action::Continue
    }
}

/// Refuses one port; reports loop turns; panics in `handle_error`.
struct Picky {
    refused_port: u16,
    turns: Sender<()>,
}

impl Hooks for Picky {
    fn verify_request(&self, peer: &Address) -> bool {
        peer.as_inet().is_none_or(|addr| addr.port() != self.refused_port)
    }

    fn service_actions(&self) {
        let _ = self.turns.send(());
    }

    fn handle_error(&self, _: &Address, _: &Failure) {
        panic!("handle_error itself panicked");
    }
}

#[test]
fn verify_request_refuses_a_tcp_peer_before_its_handler() {
    let seen = Arc::new(AtomicUsize::new(0));
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.bind(&std::net::SocketAddr::from(([127, 0, 0, 1], 0)).into()).unwrap();
    let refused_port = socket.local_addr().unwrap().as_socket().unwrap().port();
    let (turns, _) = unbounded();
    let server = Server::builder(Messages::new(Counted(Arc::clone(&seen))))
        .concurrency(ThreadPool::new(2))
        .hooks(Picky { refused_port, turns })
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    let serving = serve(server);
    socket.connect(&serving.inet().into()).unwrap();
    let stream: std::net::TcpStream = socket.into();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut rest = Vec::new();
    let _ = std::io::Read::read_to_end(&mut &stream, &mut rest);
    assert!(rest.is_empty(), "a refused peer got an answer");
    let mut allowed = LineClient::tcp(serving.inet());
    assert_eq!(allowed.ask("hello"), "hello");
    let (server, _) = serving.shutdown();
    assert_eq!(seen.load(Ordering::SeqCst), 1);
    assert_eq!(server.stats().served, 1);
}

#[test]
fn verify_request_drops_a_datagram_peer() {
    let seen = Arc::new(AtomicUsize::new(0));
    let (turns, turned) = unbounded();
    let refused = DatagramClient::udp("127.0.0.1:9".parse().unwrap());
    let DatagramClient::Udp(socket, _) = &refused else { unreachable!() };
    let refused_port = socket.local_addr().unwrap().port();
    let server = Server::builder(Messages::new(Counted(Arc::clone(&seen))))
        .concurrency(SingleThread)
        .hooks(Picky { refused_port, turns })
        .bind::<Udp>("127.0.0.1:0")
        .unwrap();
    let serving = serve(server);
    let DatagramClient::Udp(socket, _) = &refused else { unreachable!() };
    socket.send_to(b"let me in\n", serving.inet()).unwrap();
    // Datagrams are read in order: once the second is answered, the first
    // was dropped.
    let allowed = DatagramClient::udp(serving.inet());
    assert_eq!(allowed.ask("hello"), "hello");
    assert_eq!(seen.load(Ordering::SeqCst), 1);
    turned.recv_timeout(PATIENCE).expect("service_actions never ran");
    let (server, _) = serving.shutdown();
    assert_eq!(server.stats().served, 1);
}

/// Panics on every message.
struct Panicky;

impl MessageHandler for Panicky {
    type Session = ();

    fn handle(&self, _: &mut (), _: &[u8], _: &mut Reply<'_>) -> Action {
        panic!("handler panicked on purpose");
    }
}

#[test]
fn a_panicking_handle_error_does_not_stop_the_server() {
    let (turns, _) = unbounded();
    let server = Server::builder(Messages::new(Panicky))
        .concurrency(ThreadPool::new(1))
        .hooks(Picky { refused_port: 0, turns })
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    let serving = serve(server);
    for _ in 0..3 {
        let mut client = LineClient::tcp(serving.inet());
        client.send(b"boom\n");
        assert!(client.closed());
    }
    let (server, report) = serving.shutdown();
    assert_eq!(report.cut_off, 0);
    assert_eq!(server.stats().panics, 3);
    assert_eq!(server.stats().served, 3);
}
