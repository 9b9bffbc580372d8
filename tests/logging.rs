//! Log levels a public server can live with: a client reset is `debug`,
//! a handler error `warn`, a handler panic `error`, each with the peer.

mod util;

use socketserver::handlers::Echo;
use socketserver::{Connection, RequestHandler, Server, SingleThread, Tcp};
use std::io::{self, BufRead};
use std::net::TcpStream;
use std::time::Duration;
use util::{capture_logs, logs, serve, wait_until, LineClient};

/// The levels of the records that mention `peer`.
fn levels_mentioning(peer: &str) -> Vec<log::Level> {
    logs().lock().iter().filter(|(_, text)| text.contains(peer)).map(|(level, _)| *level).collect()
}

#[test]
fn a_client_reset_is_logged_at_debug() {
    capture_logs();
    let server =
        Server::builder(Echo::messages()).concurrency(SingleThread).bind::<Tcp>("127.0.0.1:0").unwrap();
    let serving = serve(server);
    let client = TcpStream::connect(serving.inet()).unwrap();
    let peer = client.local_addr().unwrap().to_string();
    let client = socket2::Socket::from(client);
    client.set_linger(Some(Duration::ZERO)).unwrap();
    drop(client); // SO_LINGER 0: the close sends a reset.
    wait_until("the reset connection to be served", || serving.server.stats().served == 1);
    drop(serving);
    let levels = levels_mentioning(&peer);
    assert!(levels.contains(&log::Level::Debug), "the reset was not logged at all: {levels:?}");
    assert!(levels.iter().all(|level| *level >= log::Level::Debug), "a reset logged above debug: {levels:?}");
}

/// Fails on `fail`, panics on `panic`.
struct Faulty;

impl RequestHandler<Connection> for Faulty {
    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        let mut line = String::new();
        conn.read_line(&mut line)?;
        match line.trim() {
            "panic" => panic!("asked to panic"),
            _ => Err(io::Error::other("asked to fail")),
        }
    }
}

fn logged_for(line: &[u8]) -> Vec<log::Level> {
    capture_logs();
    let server = Server::builder(Faulty).concurrency(SingleThread).bind::<Tcp>("127.0.0.1:0").unwrap();
    let serving = serve(server);
    let mut client = LineClient::tcp(serving.inet());
    let peer = client.stream().local_addr().unwrap().to_string();
    client.send(line);
    assert!(client.closed());
    drop(serving);
    levels_mentioning(&peer)
}

#[test]
fn a_handler_error_is_a_warning() {
    assert_eq!(logged_for(b"fail\n"), [log::Level::Warn]);
}

#[test]
fn a_handler_panic_is_an_error() {
    assert_eq!(logged_for(b"panic\n"), [log::Level::Error]);
}
