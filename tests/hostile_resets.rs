//! Clients that reset mid-request cause no error-level log and leak
//! nothing; a client that shuts down its write side still gets its reply.

mod util;

use socket2::SockRef;
use socketserver::handlers::Echo;
use socketserver::{Messages, Server, Tcp, ThreadPool};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;
use util::{capture_logs, eventually, logged_at_least, serve, Upper, LOCAL, PATIENCE};

/// Connects, sends half a request, and resets (SO_LINGER 0, then close).
fn reset_midway(addr: std::net::SocketAddr, partial: &[u8]) {
    let stream = TcpStream::connect(addr).unwrap();
    (&stream).write_all(partial).unwrap();
    SockRef::from(&stream).set_linger(Some(Duration::ZERO)).unwrap();
    drop(stream);
}

#[test]
fn resets_are_quiet_and_leak_nothing() {
    capture_logs();
    let messages = serve(
        Server::builder(Messages::new(Upper)).concurrency(ThreadPool::new(4)).bind::<Tcp>(LOCAL).unwrap(),
    );
    let echo =
        serve(Server::builder(Echo::messages()).concurrency(ThreadPool::new(4)).bind::<Tcp>(LOCAL).unwrap());
    let (messages_handle, echo_handle) = (messages.server.handle(), echo.server.handle());
    for _ in 0..200 {
        reset_midway(messages.inet(), b"half a li");
        reset_midway(echo.inet(), &[7; 5000]);
    }
    assert!(
        eventually(Duration::from_secs(5), || messages_handle.stats().active == 0
            && echo_handle.stats().active == 0
            && messages_handle.stats().served == 200
            && echo_handle.stats().served == 200),
        "requests still in flight after every client reset: {:?} {:?}",
        messages_handle.stats(),
        echo_handle.stats()
    );
    let loud = logged_at_least(log::Level::Warn);
    assert!(loud.is_empty(), "resets logged above debug: {loud:?}");
    messages.stop_within(Duration::from_secs(5));
    echo.stop_within(Duration::from_secs(5));
}

#[test]
fn half_closed_client_gets_its_reply() {
    let running = serve(Server::builder(Messages::new(Upper)).bind::<Tcp>(LOCAL).unwrap());
    let mut stream = TcpStream::connect(running.inet()).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    // The seeds' client: one send with no newline, shut down writing, read.
    stream.write_all(b"john").unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert_eq!(reply, "JOHN\n");
    let report = running.stop_within(Duration::from_secs(5));
    assert_eq!(report.in_flight, 0);
}

/// A server that answers and closes (RFC 867 daytime) while the client has
/// sent input it never reads: the close must not turn into a reset that
/// destroys the answer.
#[test]
fn close_with_unread_input_keeps_the_reply() {
    let daytime = Messages::new(socketserver::handlers::Daytime::default());
    let running = serve(Server::builder(daytime).bind::<Tcp>(LOCAL).unwrap());
    for _ in 0..50 {
        let mut stream = TcpStream::connect(running.inet()).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        stream.write_all(b"typed before the greeting\n").unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        assert!(reply.ends_with('\n') && reply.len() > 10, "{reply:?}");
    }
    running.stop_within(Duration::from_secs(5));
}
