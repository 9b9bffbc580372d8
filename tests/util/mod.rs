//! Helpers shared by the integration tests: a server running in a thread,
//! line and datagram clients, bounded waits, temporary socket directories.
//!
//! Nothing here sleeps to synchronise: threads meet on channels, and the
//! only polling ([`wait_until`]) has an upper bound and fails loudly.

#![allow(dead_code)]

use crossbeam_channel::{bounded, Receiver};
use parking_lot::{Condvar, Mutex};
use socketserver::{
    Action, Address, Concurrency, DrainReport, MessageHandler, Reply, RequestHandler, Server, ShutdownHandle,
    Transport,
};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::os::unix::net;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

mod fd_limit;
#[cfg(feature = "tls")]
pub mod tls;
#[allow(unused_imports)]
pub use fd_limit::raise_fd_limit;

/// The most any single wait in a test may take before it counts as a
/// failure (a hang), not a slow machine.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// How soon `serve_forever` must return after `shutdown()` when nothing
/// is left to drain.
pub const PROMPT: Duration = Duration::from_secs(2);

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A name no other test in this process uses: `tag` and a number. Kept
/// short, since thread names are cut to 15 bytes in `/proc`.
pub fn unique(tag: &str) -> String {
    format!("{tag}{}", COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A server running `serve_forever` in its own thread.
pub struct Serving<T: Transport, C: Concurrency, H: RequestHandler<T::Request>> {
    /// The server, shared with its serving thread.
    pub server: Arc<Server<T, C, H>>,
    /// Stops it.
    pub stop: ShutdownHandle,
    done: Receiver<io::Result<DrainReport>>,
    thread: Option<JoinHandle<()>>,
}

/// Runs `server.serve_forever()` in a new thread.
pub fn serve<T, C, H>(server: Server<T, C, H>) -> Serving<T, C, H>
where
    T: Transport,
    C: Concurrency,
    H: RequestHandler<T::Request>,
{
    serve_as(server, "test-serving")
}

/// Runs `server.serve_forever()` in a new thread called `name`.
pub fn serve_as<T, C, H>(server: Server<T, C, H>, name: &str) -> Serving<T, C, H>
where
    T: Transport,
    C: Concurrency,
    H: RequestHandler<T::Request>,
{
    let server = Arc::new(server);
    let stop = server.shutdown_handle();
    let (report, done) = bounded(1);
    let serving = Arc::clone(&server);
    let thread = thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            let _ = report.send(serving.serve_forever());
        })
        .expect("cannot start the serving thread");
    Serving { server, stop, done, thread: Some(thread) }
}

impl<T: Transport, C: Concurrency, H: RequestHandler<T::Request>> Serving<T, C, H> {
    /// The bound address.
    pub fn addr(&self) -> Address {
        self.server.local_addr().clone()
    }

    /// The bound internet address (TCP, UDP).
    pub fn inet(&self) -> SocketAddr {
        self.server.local_addr().as_inet().expect("an internet address")
    }

    /// The bound socket path (Unix transports).
    pub fn path(&self) -> PathBuf {
        self.server.local_addr().as_path().expect("a socket path").to_path_buf()
    }

    /// Waits up to `within` for `serve_forever` to return (shutdown must
    /// have been asked for), joins its thread, and gives back the server
    /// and the drain report.
    pub fn finish(mut self, within: Duration) -> (Arc<Server<T, C, H>>, DrainReport) {
        let started = Instant::now();
        let report = match self.done.recv_timeout(within) {
            Ok(result) => result.expect("serve_forever failed"),
            Err(_) => panic!("serve_forever did not return within {within:?}"),
        };
        self.thread.take().unwrap().join().expect("the serving thread panicked");
        eprintln!("serve_forever returned after {:?}: {report:?}", started.elapsed());
        (Arc::clone(&self.server), report)
    }

    /// Shuts down and waits (at most [`PROMPT`]) for `serve_forever`.
    pub fn shutdown(self) -> (Arc<Server<T, C, H>>, DrainReport) {
        self.stop.shutdown();
        self.finish(PROMPT)
    }
}

impl<T: Transport, C: Concurrency, H: RequestHandler<T::Request>> Drop for Serving<T, C, H> {
    fn drop(&mut self) {
        if let Some(thread) = self.thread.take() {
            self.stop.shutdown();
            let _ = thread.join();
        }
    }
}

/// A client of a line protocol over TCP or a Unix stream, with a read
/// timeout so a missing reply fails the test instead of hanging it.
pub struct LineClient<S: Read + Write> {
    reader: BufReader<S>,
}

impl LineClient<TcpStream> {
    /// Connects over TCP.
    pub fn tcp(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).expect("cannot connect");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        LineClient { reader: BufReader::new(stream) }
    }

    /// Wraps a connected TCP stream.
    pub fn from_tcp(stream: TcpStream) -> Self {
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        LineClient { reader: BufReader::new(stream) }
    }

    /// The socket.
    pub fn stream(&self) -> &TcpStream {
        self.reader.get_ref()
    }
}

impl LineClient<net::UnixStream> {
    /// Connects over a Unix stream socket.
    pub fn unix(path: &Path) -> Self {
        let stream = net::UnixStream::connect(path).expect("cannot connect");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        LineClient { reader: BufReader::new(stream) }
    }
}

impl<S: Read + Write> LineClient<S> {
    /// Sends raw bytes.
    pub fn send(&mut self, bytes: &[u8]) {
        self.reader.get_mut().write_all(bytes).expect("cannot send");
    }

    /// Reads one line, without its newline; panics at end of stream.
    pub fn line(&mut self) -> String {
        let mut line = String::new();
        let n = self.reader.read_line(&mut line).expect("cannot read a reply line");
        assert!(n > 0, "the connection closed before a reply line");
        line.trim_end_matches('\n').to_string()
    }

    /// Sends `line` and a newline, returns the reply line.
    pub fn ask(&mut self, line: &str) -> String {
        self.send(format!("{line}\n").as_bytes());
        self.line()
    }

    /// Whether the server closed the connection: the next read finds end
    /// of stream or a reset (and no data).
    pub fn closed(&mut self) -> bool {
        let mut rest = Vec::new();
        match self.reader.read_to_end(&mut rest) {
            Ok(_) => rest.is_empty(),
            Err(err) => err.kind() == io::ErrorKind::ConnectionReset,
        }
    }
}

/// A datagram client: UDP, or a Unix datagram socket bound to a path (so
/// it can be answered).
pub enum DatagramClient {
    /// A UDP socket and the server's address.
    Udp(UdpSocket, SocketAddr),
    /// A Unix datagram socket and the server's path.
    Unix(net::UnixDatagram, PathBuf),
}

impl DatagramClient {
    /// A UDP client of `server`.
    pub fn udp(server: SocketAddr) -> Self {
        let local: SocketAddr = if server.is_ipv6() { "[::1]:0" } else { "127.0.0.1:0" }.parse().unwrap();
        let socket = UdpSocket::bind(local).unwrap();
        socket.set_read_timeout(Some(PATIENCE)).unwrap();
        DatagramClient::Udp(socket, server)
    }

    /// A Unix datagram client of `server`, bound to `own`.
    pub fn unix(server: &Path, own: &Path) -> Self {
        let socket = net::UnixDatagram::bind(own).unwrap();
        socket.set_read_timeout(Some(PATIENCE)).unwrap();
        DatagramClient::Unix(socket, server.to_path_buf())
    }

    /// Sends one datagram.
    pub fn send(&self, data: &[u8]) {
        match self {
            DatagramClient::Udp(socket, to) => socket.send_to(data, to).map(drop),
            DatagramClient::Unix(socket, to) => socket.send_to(data, to).map(drop),
        }
        .expect("cannot send a datagram");
    }

    /// Receives one datagram (within [`PATIENCE`]).
    pub fn recv(&self) -> Vec<u8> {
        let mut buf = vec![0; 65536];
        let n = match self {
            DatagramClient::Udp(socket, _) => socket.recv(&mut buf),
            DatagramClient::Unix(socket, _) => socket.recv(&mut buf),
        }
        .expect("no reply datagram");
        buf.truncate(n);
        buf
    }

    /// Sends `line` with a newline, returns the reply without its newline.
    pub fn ask(&self, line: &str) -> String {
        self.send(format!("{line}\n").as_bytes());
        let reply = String::from_utf8(self.recv()).expect("a text reply");
        reply.trim_end_matches('\n').to_string()
    }
}

/// A directory of its own under the system's temp dir, removed on drop:
/// room for Unix socket files.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates `$TMP/ss-test-PID-TAG-N`.
    pub fn new(tag: &str) -> TempDir {
        let name = format!("ss-test-{}-{}", std::process::id(), unique(tag));
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).expect("cannot create a temp dir");
        TempDir { path }
    }

    /// A path in the directory no other caller got.
    pub fn unique_path(&self, tag: &str) -> PathBuf {
        self.path.join(format!("{}.sock", unique(tag)))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Polls `ready` until it holds, for at most [`PATIENCE`]; panics naming
/// `what` otherwise. For state with no event to wait on (a counter).
pub fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    let ticker = crossbeam_channel::tick(Duration::from_millis(1));
    while !ready() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        let _ = ticker.recv();
    }
}

/// Waits until no thread of this process has a name starting with
/// `prefix`. A thread already joined can linger in `/proc` for a moment
/// while the kernel reaps it, hence the (bounded) wait.
pub fn wait_no_threads_named(prefix: &str) {
    wait_until(&format!("threads named {prefix}* to end"), || threads_named(prefix) == 0);
}

/// Threads of this process whose name starts with `prefix`.
pub fn threads_named(prefix: &str) -> usize {
    let tasks = std::fs::read_dir("/proc/self/task").expect("/proc/self/task");
    tasks
        .filter_map(Result::ok)
        .filter_map(|task| std::fs::read_to_string(task.path().join("comm")).ok())
        .filter(|comm| comm.trim_end().starts_with(prefix))
        .count()
}

/// A gate that handlers wait at until the test opens it. The wait is
/// bounded by [`PATIENCE`], so a test that never opens it fails, not hangs.
#[derive(Default)]
pub struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    /// A closed gate.
    pub fn new() -> Arc<Gate> {
        Arc::new(Gate::default())
    }

    /// Lets every waiter through, now and later.
    pub fn open(&self) {
        *self.open.lock() = true;
        self.opened.notify_all();
    }

    /// Waits until the gate opens; `false` if it stayed shut.
    pub fn wait(&self) -> bool {
        let deadline = Instant::now() + PATIENCE;
        let mut open = self.open.lock();
        while !*open {
            if self.opened.wait_until(&mut open, deadline).timed_out() {
                return *open;
            }
        }
        true
    }
}

/// Answers each message with it in upper case: the plainest message
/// handler, shared by the tests that need one.
pub struct Upper;

impl MessageHandler for Upper {
    type Session = ();

    fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
        reply.push(&message.to_ascii_uppercase());
        Action::Continue
    }
}
