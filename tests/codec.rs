//! A protocol of the user's own (netstrings, `5:hello,`) on the engine
//! through `Codec`: however its bytes are split they decode to the same
//! messages, and the engine's limits hold for it as for the built-in
//! framings: `max_message_size`, `read_timeout` for half a message, the
//! drain, datagrams.

mod util;

use proptest::collection::vec;
use proptest::prelude::*;
use socketserver::codec::{Codec, Decoded, Input};
use socketserver::{Action, Conversation, FrameError, MessageHandler, Messages, Reply, Server, Tcp, Udp};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use util::{serve, DatagramClient, PATIENCE};

#[path = "util/netstrings.rs"]
mod netstrings;

use netstrings::{Net, Netstrings};

/// Answers each netstring reversed, and a refused one with `too long N`.
struct Reverse;

impl MessageHandler<Netstrings> for Reverse {
    type Session = ();

    fn handle(&self, _: &mut (), message: Net<'_>, reply: &mut Reply<'_>) -> Action {
        match message {
            Net::Text(text) => reply.push(&text.iter().rev().copied().collect::<Vec<_>>()),
            Net::TooLong(len) => reply.push_fmt(format_args!("too long {len}")),
        }
        reply.send_even_if_empty();
        Action::Continue
    }

    fn bad_message(&self, error: &FrameError, reply: &mut Reply<'_>) {
        reply.push_fmt(format_args!("error {error}"));
    }
}

/// `text` as a netstring.
fn net(text: &str) -> Vec<u8> {
    format!("{}:{text},", text.len()).into_bytes()
}

fn netstrings() -> Messages<Reverse, Netstrings> {
    Messages::with_codec(Reverse, Netstrings::default())
}

fn encode(texts: &[Vec<u8>]) -> Vec<u8> {
    let mut stream = Vec::new();
    for text in texts {
        stream.extend_from_slice(format!("{}:", text.len()).as_bytes());
        stream.extend_from_slice(text);
        stream.extend_from_slice(b",\n");
    }
    stream
}

/// The answers to `stream` sent in the pieces `cuts` makes of it.
fn answers_in_pieces(stream: &[u8], cuts: &[usize], max: usize) -> Vec<u8> {
    let messages = netstrings();
    let mut talk = Conversation::new(&messages).max_message_size(max);
    let mut points: Vec<usize> = cuts.iter().map(|cut| cut % (stream.len() + 1)).collect();
    points.push(stream.len());
    points.sort_unstable();
    let (mut answers, mut from) = (Vec::new(), 0);
    for point in points {
        answers.extend(talk.send(&stream[from..point]));
        from = point;
    }
    answers.extend(talk.end());
    answers
}

proptest! {
    #[test]
    fn any_split_of_the_stream_gives_the_same_answers(
        texts in vec(vec(any::<u8>(), 0..40), 0..12),
        cuts in vec(any::<usize>(), 0..30),
        max in 8usize..48,
    ) {
        let stream = encode(&texts);
        prop_assert_eq!(answers_in_pieces(&stream, &cuts, max), answers_in_pieces(&stream, &[], max));
    }

    #[test]
    fn any_split_of_arbitrary_bytes_gives_the_same_answers(
        stream in vec(prop_oneof![Just(b':'), Just(b','), Just(b' '), Just(b'3'), Just(b'1'), any::<u8>()], 0..120),
        cuts in vec(any::<usize>(), 0..30),
    ) {
        prop_assert_eq!(answers_in_pieces(&stream, &cuts, 16), answers_in_pieces(&stream, &[], 16));
    }
}

#[test]
fn conversation_answers_what_the_codec_decodes() {
    let messages = netstrings();
    let mut talk = Conversation::new(&messages).max_message_size(4);
    assert_eq!(talk.send(b"3:abc, 2:x"), net("cba"));
    assert_eq!(talk.send(b"y,9:toolong"), [net("yx"), net("too long 9")].concat());
    assert_eq!(talk.send(b"xy,"), b"", "the refused netstring's bytes are skipped");
    assert_eq!(talk.send(b"0:,"), net(""));
    assert_eq!(talk.send(b"x"), net("error a netstring is LEN:BYTES, with LEN in digits"));
    assert!(talk.is_closed());
    assert_eq!(talk.send(b"1:a,"), b"", "nothing is answered after a close");
}

fn connect(server: std::net::SocketAddr) -> TcpStream {
    let client = TcpStream::connect(server).unwrap();
    client.set_read_timeout(Some(PATIENCE)).unwrap();
    client.set_nodelay(true).unwrap();
    client
}

/// Reads until the server closes.
fn rest(client: &mut TcpStream) -> Vec<u8> {
    let mut answers = Vec::new();
    client.read_to_end(&mut answers).unwrap();
    answers
}

#[test]
fn a_served_connection_answers_as_the_conversation_does_however_the_reads_fall() {
    let texts: Vec<Vec<u8>> = (0..40).map(|i| vec![b'a' + (i % 26) as u8; i * 7 % 50]).collect();
    let stream = encode(&texts);
    let serving = serve(Server::builder(netstrings()).bind::<Tcp>("127.0.0.1:0").unwrap());
    let mut client = connect(serving.inet());
    for (i, piece) in stream.chunks(3).enumerate() {
        client.write_all(piece).unwrap();
        if i % 5 == 0 {
            client.flush().unwrap();
        }
    }
    client.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(rest(&mut client), answers_in_pieces(&stream, &[], 64 * 1024));
    let (server, _) = serving.shutdown();
    assert_eq!(server.stats().messages, texts.len() as u64, "every message answered is counted");
}

/// A codec that never finds the end of a message.
#[derive(Clone, Debug)]
struct Endless;

impl Codec for Endless {
    type Message<'a> = ();

    fn decode<'a>(&mut self, _: Input<'a>) -> Result<Decoded<()>, FrameError> {
        Ok(Decoded::NeedMore)
    }
}

struct Never;

impl MessageHandler<Endless> for Never {
    type Session = ();

    fn handle(&self, _: &mut (), _: (), _: &mut Reply<'_>) -> Action {
        unreachable!("Endless decodes no message")
    }

    fn bad_message(&self, error: &FrameError, reply: &mut Reply<'_>) {
        reply.push_fmt(format_args!("error {error}"));
    }
}

#[test]
fn the_engine_refuses_a_message_past_max_message_size_for_any_codec() {
    let messages = Messages::with_codec(Never, Endless);
    let server = Server::builder(messages).max_message_size(10_000).bind::<Tcp>("127.0.0.1:0").unwrap();
    let serving = serve(server);
    let mut client = connect(serving.inet());
    client.write_all(&[b'z'; 9_000]).unwrap();
    let mut other = connect(serving.inet());
    other.write_all(&[b'y'; 20_000]).unwrap();
    assert_eq!(rest(&mut other), b"error message longer than the limit of 10000 bytes");
    client.write_all(&[b'z'; 1_001]).unwrap();
    assert_eq!(rest(&mut client), b"error message longer than the limit of 10000 bytes");
}

#[test]
fn half_a_message_is_closed_at_read_timeout_not_idle_timeout() {
    let read_timeout = Duration::from_millis(300);
    let server = Server::builder(netstrings())
        .read_timeout(read_timeout)
        .idle_timeout(PATIENCE * 10)
        .max_message_size(100);
    let serving = serve(server.bind::<Tcp>("127.0.0.1:0").unwrap());
    for half in [&b"5:ab"[..], b"500:abc"] {
        let mut client = connect(serving.inet());
        let sent = Instant::now();
        client.write_all(half).unwrap();
        let answers = rest(&mut client);
        let waited = sent.elapsed();
        assert!(waited >= read_timeout, "closed after {waited:?}, before read_timeout");
        assert!(waited < PATIENCE, "held {waited:?}: read_timeout did not apply");
        let expected = if half.len() == 4 { Vec::new() } else { net("too long 500") };
        assert_eq!(answers, expected);
    }
}

#[test]
fn half_a_message_when_the_drain_begins_is_finished_and_counted() {
    let server = Server::builder(netstrings()).drain_timeout(PATIENCE);
    let serving = serve(server.bind::<Tcp>("127.0.0.1:0").unwrap());
    let mut half = connect(serving.inet());
    let mut idle = connect(serving.inet());
    idle.write_all(b"2:ok,").unwrap();
    let mut answer = [0; 5];
    idle.read_exact(&mut answer).unwrap();
    half.write_all(b"5:hel").unwrap();
    // The drain decides a connection by its step that ends after it
    // begins: the idle one must be back in the poller first, or the step
    // that answered it (its reply already read here) would count it in
    // flight. Both waiting means that step has ended.
    util::wait_until("both connections to wait in the poller", || serving.server.stats().waiting == 2);
    serving.stop.shutdown();
    assert_eq!(rest(&mut idle), b"", "an idle connection closes at once");
    half.write_all(b"lo,").unwrap();
    assert_eq!(rest(&mut half), net("olleh"));
    let (_, report) = serving.finish(PATIENCE);
    assert_eq!((report.in_flight, report.cut_off), (1, 0), "{report:?}");
}

#[test]
fn a_datagram_holds_several_messages_answered_in_one_datagram() {
    let serving = serve(Server::builder(netstrings()).bind::<Udp>("127.0.0.1:0").unwrap());
    let client = DatagramClient::udp(serving.inet());
    client.send(b"2:ab, 3:cde,");
    assert_eq!(client.recv(), [net("ba"), net("edc")].concat());
    client.send(b"2:ab");
    assert_eq!(client.recv(), net("error stream ended mid-message after 4 bytes"));
    let (server, _) = serving.shutdown();
    assert_eq!(server.stats().messages, 2, "two messages answered; the refused one is not counted");
}
