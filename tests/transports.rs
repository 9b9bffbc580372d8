//! Every transport × every concurrency strategy, with a message handler
//! (through `Messages`) and with a raw `RequestHandler`.

mod util;

use socketserver::{
    Address, Concurrency, Connection, Datagram, Messages, Overload, RequestHandler, Server, SingleThread,
    Strategy, StrategyKind, Tcp, ThreadPerConnection, ThreadPool, Transport, Udp, UnixDatagram, UnixStream,
};
use std::io::{self, BufRead, Write};
use util::{serve, DatagramClient, LineClient, TempDir, Upper};

/// The same protocol written as a raw handler: lines over streams, one
/// datagram at a time over datagrams.
struct RawUpper;

impl RequestHandler<Connection> for RawUpper {
    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        let mut line = String::new();
        while conn.read_line(&mut line)? > 0 {
            conn.write_all(line.to_ascii_uppercase().as_bytes())?;
            line.clear();
        }
        Ok(())
    }
}

impl RequestHandler<Datagram> for RawUpper {
    fn handle(&self, datagram: &mut Datagram) -> io::Result<()> {
        datagram.reply(&datagram.data().to_ascii_uppercase())
    }
}

/// Asks one question, gets one line back.
trait Ask {
    fn ask(&mut self, line: &str) -> String;
}

impl<S: io::Read + Write> Ask for LineClient<S> {
    fn ask(&mut self, line: &str) -> String {
        LineClient::ask(self, line)
    }
}

impl Ask for DatagramClient {
    fn ask(&mut self, line: &str) -> String {
        DatagramClient::ask(self, line)
    }
}

type Connect<'a> = &'a dyn Fn(&Address) -> Box<dyn Ask>;

/// Serves two clients, one after the other, two questions each; then
/// shuts down and checks the drain and the count of requests served.
fn exercise<T, C, H>(bind: Address, concurrency: C, handler: H, connect: Connect<'_>)
where
    T: Transport,
    C: Concurrency,
    H: RequestHandler<T::Request>,
{
    let described = concurrency.describe();
    let server = Server::builder(handler).concurrency(concurrency).bind::<T>(bind).unwrap();
    let serving = serve(server);
    let addr = serving.addr();
    for client in 0..2 {
        let mut asker = connect(&addr);
        for message in 0..2 {
            let answer = asker.ask(&format!("client {client} message {message}"));
            assert_eq!(answer, format!("CLIENT {client} MESSAGE {message}"), "{} / {described}", T::NAME);
        }
    }
    let (server, report) = serving.shutdown();
    assert_eq!(report.cut_off, 0, "{} / {described}", T::NAME);
    let requests = if T::is_stream() { 2 } else { 4 };
    assert_eq!(server.stats().served, requests, "{} / {described}", T::NAME);
}

/// Runs [`exercise`] with every strategy, `Strategy` of every kind
/// included.
fn every_strategy<T: Transport, H: RequestHandler<T::Request>>(
    bind: &dyn Fn() -> Address,
    handler: &dyn Fn() -> H,
    connect: Connect<'_>,
) {
    exercise::<T, _, _>(bind(), SingleThread, handler(), connect);
    exercise::<T, _, _>(bind(), ThreadPerConnection::new().max_threads(4), handler(), connect);
    exercise::<T, _, _>(bind(), ThreadPool::new(2).queue(2), handler(), connect);
    for kind in [StrategyKind::Single, StrategyKind::Threads, StrategyKind::Pool] {
        exercise::<T, _, _>(bind(), Strategy::new(kind, 2, None, Overload::Wait), handler(), connect);
    }
}

fn tcp_client(addr: &Address) -> Box<dyn Ask> {
    Box::new(LineClient::tcp(addr.as_inet().unwrap()))
}

fn unix_client(addr: &Address) -> Box<dyn Ask> {
    Box::new(LineClient::unix(addr.as_path().unwrap()))
}

fn udp_client(addr: &Address) -> Box<dyn Ask> {
    Box::new(DatagramClient::udp(addr.as_inet().unwrap()))
}

fn v4() -> Address {
    Address::Inet("127.0.0.1:0".parse().unwrap())
}

fn v6() -> Address {
    Address::Inet("[::1]:0".parse().unwrap())
}

/// Whether this machine has an IPv6 loopback; prints a note if not.
fn ipv6_available() -> bool {
    match std::net::TcpListener::bind("[::1]:0") {
        Ok(_) => true,
        Err(err) => {
            eprintln!("note: skipping the IPv6 case, [::1] cannot be bound here: {err}");
            false
        }
    }
}

#[test]
fn tcp_v4_messages() {
    every_strategy::<Tcp, _>(&v4, &|| Messages::new(Upper), &tcp_client);
}

#[test]
fn tcp_v4_raw() {
    every_strategy::<Tcp, _>(&v4, &|| RawUpper, &tcp_client);
}

#[test]
fn tcp_v6_messages() {
    if ipv6_available() {
        every_strategy::<Tcp, _>(&v6, &|| Messages::new(Upper), &tcp_client);
    }
}

#[test]
fn tcp_v6_raw() {
    if ipv6_available() {
        every_strategy::<Tcp, _>(&v6, &|| RawUpper, &tcp_client);
    }
}

#[test]
fn udp_messages() {
    every_strategy::<Udp, _>(&v4, &|| Messages::new(Upper), &udp_client);
}

#[test]
fn udp_raw() {
    every_strategy::<Udp, _>(&v4, &|| RawUpper, &udp_client);
}

#[test]
fn udp_v6_messages() {
    if ipv6_available() {
        every_strategy::<Udp, _>(&v6, &|| Messages::new(Upper), &udp_client);
    }
}

#[test]
fn unix_stream_messages() {
    let dir = TempDir::new("us");
    every_strategy::<UnixStream, _>(
        &|| dir.unique_path("srv").into(),
        &|| Messages::new(Upper),
        &unix_client,
    );
}

#[test]
fn unix_stream_raw() {
    let dir = TempDir::new("us");
    every_strategy::<UnixStream, _>(&|| dir.unique_path("srv").into(), &|| RawUpper, &unix_client);
}

fn unix_datagram_case<H: RequestHandler<Datagram>>(handler: &dyn Fn() -> H) {
    let dir = TempDir::new("ud");
    let connect = |addr: &Address| -> Box<dyn Ask> {
        Box::new(DatagramClient::unix(addr.as_path().unwrap(), &dir.unique_path("cli")))
    };
    every_strategy::<UnixDatagram, _>(&|| dir.unique_path("srv").into(), handler, &connect);
}

#[test]
fn unix_datagram_messages() {
    unix_datagram_case(&|| Messages::new(Upper));
}

#[test]
fn unix_datagram_raw() {
    unix_datagram_case(&|| RawUpper);
}

/// The `threadpool` crate's pool plugs in through the same trait.
#[cfg(feature = "threadpool")]
#[test]
fn tcp_on_the_threadpool_crate() {
    exercise::<Tcp, _, _>(v4(), threadpool::ThreadPool::new(2), Messages::new(Upper), &tcp_client);
    exercise::<Tcp, _, _>(v4(), threadpool::ThreadPool::new(2), RawUpper, &tcp_client);
}
