//! Oversized and malformed input: a clear error where the protocol has
//! room for one, then close; memory never grows past the message limit.

mod util;

use socketserver::{Action, Framing, MessageHandler, Messages, Reply, Server, Tcp};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;
use util::{rss_kib, serve, LOCAL, PATIENCE};

struct Count;

impl MessageHandler for Count {
    type Session = ();

    fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
        reply.push_str(&message.len().to_string());
        Action::Continue
    }
}

const LIMIT: usize = 1024;

fn connect(addr: std::net::SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
}

#[test]
fn a_line_past_the_limit_gets_an_error_line_then_close() {
    let running =
        serve(Server::builder(Messages::new(Count)).max_message_size(LIMIT).bind::<Tcp>(LOCAL).unwrap());
    let mut stream = connect(running.inet());
    stream.write_all(b"ok\n").unwrap();
    // Far more than the limit, with no newline: the server must not buffer
    // it all before refusing. Writing may fail once the server has closed.
    let _ = stream.write_all(&vec![b'a'; 64 * LIMIT]);
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    assert!(reply.starts_with("2\nERROR: message longer than the limit of 1024 bytes"), "{reply:?}");
    running.stop_within(Duration::from_secs(5));
}

#[test]
fn a_four_gib_length_prefix_is_refused_at_once() {
    let messages = Messages::new(Count).framing(Framing::LengthPrefixed);
    let running = serve(Server::builder(messages).max_message_size(LIMIT).bind::<Tcp>(LOCAL).unwrap());
    let before = rss_kib();
    let mut stream = connect(running.inet());
    stream.write_all(&u32::MAX.to_be_bytes()).unwrap();
    let mut rest = Vec::new();
    // Closed without waiting for 4 GiB, and without a reply: a binary
    // protocol has no room for an error text.
    stream.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());
    assert!(rss_kib() < before + 16 * 1024, "memory grew by more than 16 MiB");
    running.stop_within(Duration::from_secs(5));
}

#[test]
fn invalid_utf8_reaches_the_handler_as_bytes_and_the_server_lives() {
    let running = serve(Server::builder(Messages::new(Count)).bind::<Tcp>(LOCAL).unwrap());
    let mut stream = connect(running.inet());
    stream.write_all(b"\xff\xfe\xfd\n").unwrap();
    let mut reply = [0u8; 2];
    stream.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"3\n");
    running.stop_within(Duration::from_secs(5));
}
