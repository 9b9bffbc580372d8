//! `shutdown()` from another thread and from inside a handler: the
//! serving loop returns promptly and leaves no server thread behind.

mod util;

use socketserver::{
    Concurrency, Connection, RequestHandler, Server, SingleThread, Tcp, ThreadPerConnection, ThreadPool,
};
use std::io::{self, BufRead, Write};
use std::time::{Duration, Instant};
use util::{serve, serve_as, threads_named, unique, wait_no_threads_named, wait_until, LineClient, PROMPT};

/// Echoes lines; `stop` shuts the server down from inside the handler,
/// `stop-and-wait` does the same with `shutdown_and_wait`.
struct Stopper;

impl RequestHandler<Connection> for Stopper {
    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        let mut line = String::new();
        while conn.read_line(&mut line)? > 0 {
            match line.trim() {
                "stop" => conn.server().shutdown(),
                "stop-and-wait" => conn.server().shutdown_handle().shutdown_and_wait(),
                _ => {}
            }
            conn.write_all(line.as_bytes())?;
            line.clear();
        }
        Ok(())
    }
}

/// What each strategy leaves running after the drain.
trait Leftovers {
    fn leftovers(&self) -> usize;
}

impl Leftovers for SingleThread {
    fn leftovers(&self) -> usize {
        0
    }
}

impl Leftovers for ThreadPool {
    fn leftovers(&self) -> usize {
        self.live_workers()
    }
}

impl Leftovers for ThreadPerConnection {
    fn leftovers(&self) -> usize {
        self.handles_kept()
    }
}

/// Serves with `concurrency` (threads named `prefix...`), keeps an idle
/// client connected, calls `stop` and checks that `serve_forever` returns
/// within [`PROMPT`] with nothing left running.
fn stops_cleanly<C: Concurrency + Leftovers>(
    concurrency: C,
    prefix: &str,
    stop: impl FnOnce(&mut LineClient<std::net::TcpStream>, &socketserver::ShutdownHandle),
) {
    let server = Server::builder(Stopper).concurrency(concurrency).bind::<Tcp>("127.0.0.1:0").unwrap();
    let serving = serve_as(server, &format!("{prefix}S"));
    let mut client = LineClient::tcp(serving.inet());
    assert_eq!(client.ask("hello"), "hello");
    let started = Instant::now();
    stop(&mut client, &serving.stop);
    let (server, report) = serving.finish(PROMPT);
    eprintln!("stopped in {:?}", started.elapsed());
    assert_eq!(report.cut_off, 0);
    assert_eq!(report.threads_left, 0);
    assert_eq!(server.concurrency().leftovers(), 0, "{}", server.concurrency().describe());
    wait_no_threads_named(prefix);
    assert!(client.closed(), "the idle client's connection was not closed");
}

fn from_another_thread(client: &mut LineClient<std::net::TcpStream>, stop: &socketserver::ShutdownHandle) {
    let _ = client;
    let stop = stop.clone();
    let returned_in = std::thread::spawn(move || {
        let started = Instant::now();
        stop.shutdown();
        started.elapsed()
    })
    .join()
    .unwrap();
    assert!(returned_in < Duration::from_secs(1), "shutdown() blocked for {returned_in:?}");
}

fn from_a_handler(client: &mut LineClient<std::net::TcpStream>, _: &socketserver::ShutdownHandle) {
    assert_eq!(client.ask("stop"), "stop");
}

#[test]
fn pool_stops_from_another_thread() {
    let name = unique("sdA");
    let pool = ThreadPool::new(3).name(name.clone());
    stops_cleanly(pool, &name, |client, stop| {
        // A new thread names itself once it runs: wait for that.
        wait_until("three named workers", || threads_named(&format!("{name}-")) == 3);
        from_another_thread(client, stop)
    });
}

#[test]
fn pool_stops_from_a_handler() {
    let name = unique("sdB");
    stops_cleanly(ThreadPool::new(2).name(name.clone()), &name, from_a_handler);
}

#[test]
fn threads_stop_from_another_thread() {
    let name = unique("sdC");
    stops_cleanly(ThreadPerConnection::new().name(format!("{name}-c")), &name, |client, stop| {
        wait_until("one named connection thread", || threads_named(&format!("{name}-")) == 1);
        from_another_thread(client, stop)
    });
}

#[test]
fn threads_stop_from_a_handler() {
    let name = unique("sdD");
    stops_cleanly(ThreadPerConnection::new().name(format!("{name}-c")), &name, from_a_handler);
}

#[test]
fn single_thread_stops_from_another_thread() {
    stops_cleanly(SingleThread, &unique("sdF"), from_another_thread);
}

#[test]
fn single_thread_stops_from_a_handler() {
    stops_cleanly(SingleThread, &unique("sdG"), from_a_handler);
}

#[test]
fn shutdown_and_wait_from_the_serving_thread_does_not_deadlock() {
    stops_cleanly(SingleThread, &unique("sdH"), |client, _| {
        assert_eq!(client.ask("stop-and-wait"), "stop-and-wait");
    });
}

#[test]
fn shutdown_and_wait_returns_after_the_drain() {
    let name = unique("sdE");
    let pool = ThreadPool::new(2).name(name.clone());
    let server = Server::builder(Stopper).concurrency(pool).bind::<Tcp>("127.0.0.1:0").unwrap();
    let serving = serve(server);
    let mut client = LineClient::tcp(serving.inet());
    assert_eq!(client.ask("hello"), "hello");
    serving.stop.shutdown_and_wait();
    // The drain joined the workers before serve_forever returned.
    assert_eq!(serving.server.concurrency().live_workers(), 0);
    wait_no_threads_named(&name);
    let (_, report) = serving.finish(PROMPT);
    assert_eq!(report.cut_off, 0);
}

#[test]
fn shutdown_before_serving_returns_at_once() {
    let server = Server::builder(Stopper).concurrency(ThreadPool::new(1)).bind::<Tcp>("127.0.0.1:0").unwrap();
    server.shutdown_handle().shutdown();
    let serving = serve(server);
    let (_, report) = serving.finish(PROMPT);
    assert_eq!(report.in_flight, 0);
}

#[test]
fn shutdown_and_wait_with_nothing_serving_returns() {
    let server = Server::builder(Stopper).concurrency(SingleThread).bind::<Tcp>("127.0.0.1:0").unwrap();
    server.shutdown_handle().shutdown_and_wait();
    assert!(server.shutdown_handle().is_shutting_down());
}

#[test]
fn dropping_the_server_closes_the_listener() {
    let server = Server::builder(Stopper).concurrency(SingleThread).bind::<Tcp>("127.0.0.1:0").unwrap();
    let addr = server.local_addr().as_inet().unwrap();
    let serving = serve(server);
    let (server, report) = serving.shutdown();
    assert_eq!(report.in_flight, 0);
    drop(server);
    let refused = std::net::TcpStream::connect(addr).expect_err("the listener outlived the server");
    assert_eq!(refused.kind(), io::ErrorKind::ConnectionRefused);
}

#[test]
fn close_drains_and_reports() {
    let server = Server::builder(Stopper).concurrency(ThreadPool::new(1)).bind::<Tcp>("127.0.0.1:0").unwrap();
    let mut client = LineClient::tcp(server.local_addr().as_inet().unwrap());
    client.send(b"queued\n");
    assert!(server.handle_request(None).unwrap());
    assert_eq!(client.line(), "queued");
    let report = server.close();
    assert_eq!(report.cut_off, 0);
    assert!(client.closed());
}

/// A deliberate difference from Python, documented on `serve_forever`:
/// shutdown is permanent, and a second `serve_forever` returns at once
/// with the first drain's report.
#[test]
fn a_second_serve_forever_after_shutdown_returns_at_once() {
    let server = Server::builder(Stopper).concurrency(ThreadPool::new(1)).bind::<Tcp>("127.0.0.1:0").unwrap();
    let addr = server.local_addr().as_inet().unwrap();
    let serving = serve(server);
    let mut client = LineClient::tcp(addr);
    assert_eq!(client.ask("before"), "before");
    drop(client);
    let (server, first) = serving.shutdown();
    let started = Instant::now();
    let second = server.serve_forever().unwrap();
    assert!(started.elapsed() < PROMPT, "the second serve_forever served");
    assert_eq!(second, first);
    assert!(!server.handle_request(None).unwrap());
}

/// The listening socket is reachable, as Python's `server.socket`.
#[test]
fn the_listening_socket_is_reachable() {
    use socketserver::Transport;
    use std::os::fd::AsFd;
    let server = Server::builder(Stopper).concurrency(SingleThread).bind::<Tcp>("127.0.0.1:0").unwrap();
    let fd = server.as_fd();
    let socket = socket2::SockRef::from(&fd);
    assert!(socket.is_listener().unwrap());
    let local = socket.local_addr().unwrap().as_socket().unwrap();
    assert_eq!(Some(local), server.local_addr().as_inet());
    assert_eq!(server.transport().local_addr(), server.local_addr());
}
