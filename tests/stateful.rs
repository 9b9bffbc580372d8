//! `StatefulHandler`: the value `setup` creates reaches `handle` and then
//! `finish`, with Python's semantics for failures.

mod util;

use crossbeam_channel::{unbounded, Receiver, Sender};
use socketserver::{
    Address, Connection, Datagram, Failure, Hooks, Server, SingleThread, Stateful, StatefulHandler, Tcp,
    ThreadPool, Udp,
};
use std::io::{self, BufRead, Write};
use util::{serve, DatagramClient, LineClient, PATIENCE};

/// Numbers a connection's lines; `panic` panics, `fail` fails; `finish`
/// reports the state it got back.
struct Numbered {
    finished: Sender<Vec<String>>,
    refuse: bool,
}

impl StatefulHandler<Connection> for Numbered {
    type State = Vec<String>;

    fn setup(&self, conn: &mut Connection) -> io::Result<Vec<String>> {
        if self.refuse {
            return Err(io::Error::other("setup refused"));
        }
        conn.write_all(b"ready\n")?;
        Ok(vec!["setup".into()])
    }

    fn handle(&self, conn: &mut Connection, seen: &mut Vec<String>) -> io::Result<()> {
        let mut line = String::new();
        while conn.read_line(&mut line)? > 0 {
            let text = line.trim_end().to_owned();
            line.clear();
            match text.as_str() {
                "panic" => panic!("asked to panic"),
                "fail" => return Err(io::Error::other("asked to fail")),
                _ => {}
            }
            seen.push(text);
            writeln!(conn, "{}", seen.len())?;
        }
        Ok(())
    }

    fn finish(&self, _: &mut Connection, seen: Vec<String>) -> io::Result<()> {
        let _ = self.finished.send(seen);
        Ok(())
    }
}

/// Sends each reported failure to the test.
struct Failures(Sender<String>);

impl Hooks for Failures {
    fn handle_error(&self, _: &Address, failure: &Failure) {
        let _ = self.0.send(failure.to_string());
    }
}

/// A numbering server, what its `finish` got back, what was reported.
type Numbering =
    (util::Serving<Tcp, ThreadPool, Stateful<Numbered>>, Receiver<Vec<String>>, Receiver<String>);

fn numbered(refuse: bool) -> Numbering {
    let (finished, finishes) = unbounded();
    let (failed, failures) = unbounded();
    let server = Server::builder(Stateful::new(Numbered { finished, refuse }))
        .concurrency(ThreadPool::new(2))
        .hooks(Failures(failed))
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    (serve(server), finishes, failures)
}

#[test]
fn the_state_from_setup_reaches_handle_and_finish() {
    let (serving, finishes, failures) = numbered(false);
    let mut client = LineClient::tcp(serving.inet());
    assert_eq!(client.line(), "ready");
    assert_eq!(client.ask("a"), "2");
    assert_eq!(client.ask("b"), "3");
    client.stream().shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(finishes.recv_timeout(PATIENCE).unwrap(), ["setup", "a", "b"]);
    assert!(failures.try_recv().is_err());
}

#[test]
fn finish_gets_the_state_after_a_panic_and_the_panic_is_reported_once() {
    let (serving, finishes, failures) = numbered(false);
    let mut client = LineClient::tcp(serving.inet());
    assert_eq!(client.line(), "ready");
    assert_eq!(client.ask("a"), "2");
    client.send(b"panic\n");
    assert_eq!(finishes.recv_timeout(PATIENCE).unwrap(), ["setup", "a"]);
    let reported = failures.recv_timeout(PATIENCE).unwrap();
    assert!(reported.contains("asked to panic"), "{reported}");
    assert!(client.closed());
    let (server, _) = serving.shutdown();
    assert!(failures.try_recv().is_err(), "reported twice");
    assert_eq!(server.stats().panics, 1);
}

#[test]
fn finish_gets_the_state_after_an_error() {
    let (serving, finishes, failures) = numbered(false);
    let mut client = LineClient::tcp(serving.inet());
    assert_eq!(client.line(), "ready");
    client.send(b"fail\n");
    assert_eq!(finishes.recv_timeout(PATIENCE).unwrap(), ["setup"]);
    assert!(failures.recv_timeout(PATIENCE).unwrap().contains("asked to fail"));
}

#[test]
fn a_setup_error_skips_handle_and_finish() {
    let (serving, finishes, failures) = numbered(true);
    let mut client = LineClient::tcp(serving.inet());
    assert!(client.closed(), "a refused setup still answered");
    assert!(failures.recv_timeout(PATIENCE).unwrap().contains("setup refused"));
    drop(serving);
    assert!(finishes.try_recv().is_err(), "finish ran after a setup error");
}

/// Counts each datagram's bytes into its state, answering the total.
struct Sized;

impl StatefulHandler<Datagram> for Sized {
    type State = usize;

    fn setup(&self, datagram: &mut Datagram) -> io::Result<usize> {
        Ok(datagram.data().len())
    }

    fn handle(&self, datagram: &mut Datagram, size: &mut usize) -> io::Result<()> {
        datagram.reply(format!("{size} bytes").as_bytes())
    }
}

#[test]
fn a_datagram_handler_gets_its_state() {
    let server =
        Server::builder(Stateful::new(Sized)).concurrency(SingleThread).bind::<Udp>("127.0.0.1:0").unwrap();
    let serving = serve(server);
    let client = DatagramClient::udp(serving.inet());
    // `ask` sends the line with its newline.
    assert_eq!(client.ask("hello"), "6 bytes");
}
