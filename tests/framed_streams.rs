//! Every framing end to end over a stream: messages cut by the framing,
//! replies framed to match, pipelined messages answered in order.

mod util;

use socketserver::{Action, Framing, MessageHandler, Messages, Reply, Server, Tcp, ThreadPool};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use util::{serve, PATIENCE};

/// Answers each message with it reversed.
struct Reverse;

impl MessageHandler for Reverse {
    type Session = ();

    fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
        reply.push(&message.iter().rev().copied().collect::<Vec<u8>>());
        Action::Continue
    }
}

/// Sends `request` in one write, shuts down the write side, and returns
/// everything the server answers before it closes.
fn exchange(framing: Framing, request: &[u8]) -> Vec<u8> {
    let messages = Messages::new(Reverse).framing(framing);
    let server =
        Server::builder(messages).concurrency(ThreadPool::new(2)).bind::<Tcp>("127.0.0.1:0").unwrap();
    let serving = serve(server);
    let mut client = TcpStream::connect(serving.inet()).unwrap();
    client.set_read_timeout(Some(PATIENCE)).unwrap();
    client.write_all(request).unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let mut answer = Vec::new();
    client.read_to_end(&mut answer).unwrap();
    answer
}

fn framed(framing: Framing, messages: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for message in messages {
        framing.encode(message, &mut out);
    }
    out
}

#[test]
fn lines_with_crlf_and_a_last_unterminated_line() {
    assert_eq!(exchange(Framing::Lines, b"abc\r\ndef\nxyz"), b"cba\nfed\nzyx\n");
}

#[test]
fn length_prefixed_messages() {
    let framing = Framing::LengthPrefixed;
    let request = framed(framing, &[b"hello", b"\n\r\0binary", b"x"]);
    assert_eq!(exchange(framing, &request), framed(framing, &[b"olleh", b"yranib\0\r\n", b"x"]));
}

#[test]
fn fixed_length_messages() {
    let framing = Framing::FixedLength(4);
    assert_eq!(exchange(framing, b"abcdefgh"), b"dcbahgfe");
}

#[test]
fn until_close_is_one_message() {
    assert_eq!(exchange(Framing::UntilClose, b"one\ntwo\r"), b"\rowt\neno");
}

#[test]
fn a_cut_short_length_prefixed_message_closes_the_connection() {
    let framing = Framing::LengthPrefixed;
    let mut request = framed(framing, &[b"whole"]);
    request.extend_from_slice(&[0, 0, 0, 9, b'p', b'a']);
    // The whole message is answered; the cut-short one is not (binary
    // framings have no error reply by default).
    assert_eq!(exchange(framing, &request), framed(framing, &[b"elohw"]));
}
