//! Datagram transports: an oversized datagram is reported, never silently
//! truncated; datagram sessions are per peer.

mod util;

use crossbeam_channel::{unbounded, Sender};
use socketserver::{
    Action, Datagram, MessageHandler, Messages, Reply, RequestHandler, Server, SingleThread, Transport, Udp,
    UnixDatagram,
};
use std::io;
use util::{serve, DatagramClient, TempDir};

const LIMIT: usize = 16;

/// Echoes each message, reporting every one it sees to the test.
struct Seen(Sender<Vec<u8>>);

impl MessageHandler for Seen {
    type Session = ();

    fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
        let _ = self.0.send(message.to_vec());
        reply.push(message);
        Action::Continue
    }
}

/// A raw handler that reports what `handle` and `oversized` see.
struct RawSeen(Sender<(&'static str, usize)>);

impl RequestHandler<Datagram> for RawSeen {
    fn handle(&self, datagram: &mut Datagram) -> io::Result<()> {
        let _ = self.0.send(("handle", datagram.data().len()));
        datagram.reply(b"ok")
    }

    fn oversized(&self, datagram: &mut Datagram) {
        assert!(datagram.is_oversized());
        let _ = self.0.send(("oversized", datagram.data().len()));
        let _ = datagram.reply(b"too big");
    }
}

/// An oversized datagram gets the ERROR line, is counted, never reaches
/// `handle`; the next datagram of the right size is served.
fn oversized_with_messages<T>(
    bind: socketserver::Address,
    client: impl Fn(&socketserver::Address) -> DatagramClient,
) where
    T: Transport,
    Messages<Seen>: RequestHandler<T::Request>,
{
    let (tx, seen) = unbounded();
    let server = Server::builder(Messages::new(Seen(tx)))
        .concurrency(SingleThread)
        .max_message_size(LIMIT)
        .bind::<T>(bind)
        .unwrap();
    let serving = serve(server);
    let client = client(&serving.addr());
    client.send(&[b'x'; 100]);
    let reply = String::from_utf8(client.recv()).unwrap();
    assert_eq!(reply, format!("ERROR: message longer than the limit of {LIMIT} bytes\n"));
    assert_eq!(serving.server.stats().oversized, 1);
    assert_eq!(client.ask("small"), "small");
    let (server, _) = serving.shutdown();
    assert_eq!(seen.try_iter().collect::<Vec<_>>(), [b"small".to_vec()], "handle saw the oversized one");
    assert_eq!(server.stats().oversized, 1);
    assert_eq!(server.stats().served, 1);
}

fn oversized_raw<T>(bind: socketserver::Address, client: impl Fn(&socketserver::Address) -> DatagramClient)
where
    T: Transport,
    RawSeen: RequestHandler<T::Request>,
{
    let (tx, seen) = unbounded();
    let server = Server::builder(RawSeen(tx))
        .concurrency(SingleThread)
        .max_message_size(LIMIT)
        .bind::<T>(bind)
        .unwrap();
    let serving = serve(server);
    let client = client(&serving.addr());
    client.send(&[b'x'; LIMIT + 1]);
    assert_eq!(client.recv(), b"too big");
    client.send(&[b'x'; LIMIT]);
    assert_eq!(client.recv(), b"ok");
    let (server, _) = serving.shutdown();
    assert_eq!(seen.try_iter().collect::<Vec<_>>(), [("oversized", LIMIT), ("handle", LIMIT)]);
    assert_eq!(server.stats().oversized, 1);
}

fn udp_client(addr: &socketserver::Address) -> DatagramClient {
    DatagramClient::udp(addr.as_inet().unwrap())
}

#[test]
fn udp_oversized_gets_an_error_line() {
    oversized_with_messages::<Udp>("127.0.0.1:0".parse::<std::net::SocketAddr>().unwrap().into(), udp_client);
}

#[test]
fn udp_oversized_reaches_only_the_oversized_hook() {
    oversized_raw::<Udp>("127.0.0.1:0".parse::<std::net::SocketAddr>().unwrap().into(), udp_client);
}

#[test]
fn unix_datagram_oversized_gets_an_error_line() {
    let dir = TempDir::new("dg");
    let client =
        |addr: &socketserver::Address| DatagramClient::unix(addr.as_path().unwrap(), &dir.unique_path("c"));
    oversized_with_messages::<UnixDatagram>(dir.unique_path("s").into(), client);
}

#[test]
fn unix_datagram_oversized_reaches_only_the_oversized_hook() {
    let dir = TempDir::new("dg");
    let client =
        |addr: &socketserver::Address| DatagramClient::unix(addr.as_path().unwrap(), &dir.unique_path("c"));
    oversized_raw::<UnixDatagram>(dir.unique_path("s").into(), client);
}

/// Counts the messages of each peer.
struct Counter;

impl MessageHandler for Counter {
    type Session = u32;

    fn handle(&self, count: &mut u32, _: &[u8], reply: &mut Reply<'_>) -> Action {
        *count += 1;
        reply.push_str(&count.to_string());
        Action::Continue
    }
}

#[test]
fn datagram_sessions_are_per_peer() {
    let server =
        Server::builder(Messages::new(Counter)).concurrency(SingleThread).bind::<Udp>("127.0.0.1:0").unwrap();
    let serving = serve(server);
    let (one, two) = (DatagramClient::udp(serving.inet()), DatagramClient::udp(serving.inet()));
    assert_eq!(one.ask("a"), "1");
    assert_eq!(one.ask("b"), "2");
    assert_eq!(two.ask("a"), "1");
    assert_eq!(one.ask("c"), "3");
    let (server, _) = serving.shutdown();
    assert_eq!(server.handler().datagram_sessions(), 2);
}
