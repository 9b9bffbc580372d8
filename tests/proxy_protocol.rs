//! The PROXY protocol (v1 and v2) in front of every kind of handler and
//! strategy: the header names the client that `verify_request`, the
//! handler and the logs see; a missing, malformed, slow or refused
//! header closes the connection (logged at `debug`) without holding a
//! thread or losing the bytes after it.

mod util;

use parking_lot::Mutex;
use socketserver::{
    Action, Address, Concurrency, Connection, Hooks, MessageHandler, Messages, Reply, RequestHandler, Server,
    SingleThread, Strategy, StrategyKind, Tcp, ThreadPerConnection, ThreadPool,
};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Once};
use std::time::Duration;
use util::{serve, PATIENCE};

/// Keeps every record this process logs.
struct Recorder;

static RECORDS: Mutex<Vec<(log::Level, String)>> = Mutex::new(Vec::new());

impl log::Log for Recorder {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        RECORDS.lock().push((record.level(), record.args().to_string()));
    }

    fn flush(&self) {}
}

fn record_logs() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        log::set_logger(&Recorder).unwrap();
        log::set_max_level(log::LevelFilter::Debug);
    });
}

/// Whether a `debug` record mentions `peer` and `text`.
fn logged_debug(peer: SocketAddr, text: &str) -> bool {
    let peer = peer.to_string();
    RECORDS
        .lock()
        .iter()
        .any(|(level, line)| *level == log::Level::Debug && line.contains(&peer) && line.contains(text))
}

/// Answers each line with the peer the session was opened for.
struct WhoAmI;

impl MessageHandler for WhoAmI {
    type Session = String;

    fn open(&self, peer: &Address) -> String {
        peer.to_string()
    }

    fn handle(&self, peer: &mut String, message: &[u8], reply: &mut Reply<'_>) -> Action {
        reply.push(format!("{peer} {}", String::from_utf8_lossy(message)).as_bytes());
        Action::Continue
    }
}

/// A raw handler: answers each line with the peer and the proxy.
struct RawWhoAmI;

impl RequestHandler<Connection> for RawWhoAmI {
    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        let mut line = String::new();
        while conn.read_line(&mut line)? > 0 {
            let proxy = conn.proxied_by().map(ToString::to_string).unwrap_or_default();
            let answer = format!("{} {} via {proxy}\n", conn.peer_addr(), line.trim_end());
            conn.write_all(answer.as_bytes())?;
            line.clear();
        }
        Ok(())
    }
}

/// Records every peer `verify_request` sees; refuses 10.9.9.9.
#[derive(Clone, Default)]
struct Verified(Arc<Mutex<Vec<String>>>);

impl Hooks for Verified {
    fn verify_request(&self, peer: &Address) -> bool {
        self.0.lock().push(peer.to_string());
        peer.as_inet().is_none_or(|addr| addr.ip().to_string() != "10.9.9.9")
    }
}

const CLIENT: &str = "127.0.0.2:5555";

fn v1(client: &str) -> Vec<u8> {
    let addr: SocketAddr = client.parse().unwrap();
    format!("PROXY TCP4 {} 127.0.0.1 {} 80\r\n", addr.ip(), addr.port()).into_bytes()
}

fn v2(client: &str) -> Vec<u8> {
    let addr: SocketAddr = client.parse().unwrap();
    let SocketAddr::V4(addr) = addr else { panic!("an IPv4 client") };
    let mut bytes = b"\r\n\r\n\0\r\nQUIT\n".to_vec();
    bytes.extend([0x21, 0x11, 0, 12]);
    bytes.extend(addr.ip().octets());
    bytes.extend([127, 0, 0, 1]);
    bytes.extend(addr.port().to_be_bytes());
    bytes.extend(80u16.to_be_bytes());
    bytes
}

/// The v2 `LOCAL` command: the proxy's own connection (a health check).
fn v2_local() -> Vec<u8> {
    let mut bytes = b"\r\n\r\n\0\r\nQUIT\n".to_vec();
    bytes.extend([0x20, 0x00, 0, 0]);
    bytes
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
}

/// Sends `header` and `line` in one write, returns the answer line.
fn ask(addr: SocketAddr, header: &[u8], line: &str) -> String {
    let mut stream = connect(addr);
    stream.write_all(&[header, line.as_bytes(), b"\n"].concat()).unwrap();
    read_line(&stream)
}

fn read_line(stream: &TcpStream) -> String {
    let mut answer = String::new();
    BufReader::new(stream).read_line(&mut answer).unwrap();
    answer.trim_end().to_string()
}

/// Whether the server closed the connection without a word.
fn closed_silently(stream: &mut TcpStream) -> bool {
    let mut rest = Vec::new();
    match stream.read_to_end(&mut rest) {
        Ok(_) => rest.is_empty(),
        Err(err) => err.kind() == io::ErrorKind::ConnectionReset,
    }
}

fn message_server<C: Concurrency>(
    concurrency: C,
    hooks: Verified,
) -> util::Serving<Tcp, C, Messages<WhoAmI>> {
    let server = Server::builder(Messages::new(WhoAmI))
        .concurrency(concurrency)
        .hooks(hooks)
        .proxy_protocol(true)
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    serve(server)
}

fn both_versions_name_the_client<C: Concurrency>(concurrency: C) {
    let hooks = Verified::default();
    let serving = message_server(concurrency, hooks.clone());
    assert_eq!(ask(serving.inet(), &v1(CLIENT), "one"), format!("{CLIENT} one"));
    assert_eq!(ask(serving.inet(), &v2(CLIENT), "two"), format!("{CLIENT} two"));
    assert_eq!(*hooks.0.lock(), [CLIENT, CLIENT]);
    serving.shutdown();
}

#[test]
fn the_pool_sees_the_client_of_v1_and_v2() {
    both_versions_name_the_client(ThreadPool::new(2));
}

#[test]
fn a_single_thread_sees_the_client_of_v1_and_v2() {
    both_versions_name_the_client(SingleThread);
}

#[test]
fn threads_see_the_client_of_v1_and_v2() {
    both_versions_name_the_client(ThreadPerConnection::new());
}

#[test]
fn a_raw_handler_sees_the_client_and_the_proxy() {
    for concurrency in [
        Strategy::new(StrategyKind::Pool, 2, None, Default::default()),
        Strategy::new(StrategyKind::Threads, 4, None, Default::default()),
    ] {
        let server = Server::builder(RawWhoAmI)
            .concurrency(concurrency)
            .proxy_protocol(true)
            .bind::<Tcp>("127.0.0.1:0");
        let serving = serve(server.unwrap());
        let mut stream = connect(serving.inet());
        let proxy = stream.local_addr().unwrap();
        stream.write_all(&[&v2(CLIENT)[..], b"hi\n"].concat()).unwrap();
        assert_eq!(read_line(&stream), format!("{CLIENT} hi via {proxy}"));
        stream.write_all(b"again\n").unwrap();
        assert_eq!(read_line(&stream), format!("{CLIENT} again via {proxy}"));
        serving.shutdown();
    }
}

#[test]
fn a_header_sent_byte_by_byte_loses_nothing_after_it() {
    for (name, header) in [("v1", v1(CLIENT)), ("v2", v2(CLIENT))] {
        let serving = message_server(ThreadPool::new(1), Verified::default());
        let mut stream = connect(serving.inet());
        stream.set_nodelay(true).unwrap();
        for byte in &header {
            stream.write_all(&[*byte]).unwrap();
            stream.flush().unwrap();
        }
        stream.write_all(b"after\n").unwrap();
        assert_eq!(read_line(&stream), format!("{CLIENT} after"), "{name}");
        serving.shutdown();
    }
}

#[test]
fn the_local_command_keeps_the_socket_peer() {
    let serving = message_server(ThreadPool::new(1), Verified::default());
    let stream = connect(serving.inet());
    let own = stream.local_addr().unwrap();
    (&stream).write_all(&[&v2_local()[..], b"check\n"].concat()).unwrap();
    assert_eq!(read_line(&stream), format!("{own} check"));
    serving.shutdown();
}

/// Missing and malformed headers, v1 and v2, for a protocol layer (read
/// in the reactor under the pool, on its thread under threads) and a raw
/// handler (on its thread under both).
#[test]
fn missing_and_malformed_headers_close_the_connection_at_debug() {
    record_logs();
    let mut truncated_v2 = v2(CLIENT);
    truncated_v2[13] = 0x99;
    let bad: [(&str, Vec<u8>, &str); 4] = [
        ("missing", b"hello\n".to_vec(), "expected a PROXY protocol header"),
        ("v1 malformed", b"PROXY TCP4 300.1.1.1 127.0.0.1 1 2\r\nhello\n".to_vec(), "malformed PROXY v1"),
        ("v1 too long", [&b"PROXY TCP4 "[..], &[b'1'; 120]].concat(), "longer than 107"),
        ("v2 malformed", [&truncated_v2[..], b"hello\n"].concat(), "malformed PROXY v2"),
    ];
    let messages_pool = message_server(ThreadPool::new(2), Verified::default());
    let messages_threads = message_server(ThreadPerConnection::new(), Verified::default());
    let raw = |strategy| {
        let server = Server::builder(RawWhoAmI).concurrency(strategy).proxy_protocol(true);
        serve(server.bind::<Tcp>("127.0.0.1:0").unwrap())
    };
    let raw_pool = raw(Strategy::new(StrategyKind::Pool, 2, None, Default::default()));
    let raw_threads = raw(Strategy::new(StrategyKind::Threads, 4, None, Default::default()));
    for addr in [messages_pool.inet(), messages_threads.inet(), raw_pool.inet(), raw_threads.inet()] {
        for (what, bytes, why) in &bad {
            let mut stream = connect(addr);
            stream.write_all(bytes).unwrap();
            assert!(closed_silently(&mut stream), "{what}: the connection should close unanswered");
            let peer = stream.local_addr().unwrap();
            util::wait_until(&format!("{what} logged at debug"), || logged_debug(peer, why));
        }
    }
    messages_pool.shutdown();
    messages_threads.shutdown();
    raw_pool.shutdown();
    raw_threads.shutdown();
}

#[test]
fn verify_request_refuses_the_proxied_client() {
    let serving = message_server(ThreadPool::new(1), Verified::default());
    let mut stream = connect(serving.inet());
    stream.write_all(&[&v1("10.9.9.9:1000")[..], b"hello\n"].concat()).unwrap();
    assert!(closed_silently(&mut stream));
    assert_eq!(ask(serving.inet(), &v1(CLIENT), "ok"), format!("{CLIENT} ok"));
    serving.shutdown();
}

/// A client that never sends its header holds no thread: one worker
/// serves others meanwhile; the header's deadline (`read_timeout`)
/// closes it.
#[test]
fn a_silent_connection_holds_no_thread_and_times_out() {
    record_logs();
    let server = Server::builder(Messages::new(WhoAmI))
        .concurrency(ThreadPool::new(1))
        .read_timeout(Duration::from_millis(300))
        .proxy_protocol(true)
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    let serving = serve(server);
    let mut silent: Vec<TcpStream> = (0..3).map(|_| connect(serving.inet())).collect();
    silent[0].write_all(b"PROXY TCP4").unwrap();
    assert_eq!(ask(serving.inet(), &v2(CLIENT), "served"), format!("{CLIENT} served"));
    for stream in &mut silent {
        assert!(closed_silently(stream), "a silent connection should be closed by the deadline");
        let peer = stream.local_addr().unwrap();
        util::wait_until("the timeout logged", || logged_debug(peer, "within read_timeout"));
    }
    serving.shutdown();
}

#[test]
fn datagram_transports_refuse_the_option() {
    let err = Server::builder(Messages::new(util::Upper))
        .proxy_protocol(true)
        .bind::<socketserver::Udp>("127.0.0.1:0")
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::Unsupported);
    assert!(err.to_string().contains("not udp"), "{err}");
}

/// Over a Unix socket (nginx's `proxy_pass unix:...` with
/// `proxy_protocol on`) the header names the TCP client all the same.
#[test]
fn a_unix_socket_behind_a_proxy_sees_the_client() {
    let dir = util::TempDir::new("proxy");
    let path = dir.unique_path("proxied.sock");
    let server = Server::builder(Messages::new(WhoAmI))
        .concurrency(ThreadPool::new(1))
        .proxy_protocol(true)
        .bind::<socketserver::UnixStream>(path.as_path())
        .unwrap();
    let serving = serve(server);
    let mut stream = std::os::unix::net::UnixStream::connect(&path).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(&[&v1(CLIENT)[..], b"over unix\n"].concat()).unwrap();
    let mut answer = String::new();
    BufReader::new(&stream).read_line(&mut answer).unwrap();
    assert_eq!(answer.trim_end(), format!("{CLIENT} over unix"));
    serving.shutdown();
}
