//! The one server on a thread: `serve_forever` running in a thread of its
//! own, the server shared with the test for inspection, and a bounded
//! wait for its drain report.

use super::PROMPT;
use crossbeam_channel::{bounded, Receiver};
use socketserver::{Address, Concurrency, DrainReport, RequestHandler, Server, ShutdownHandle, Transport};
use std::any::Any;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Where a test binds an internet server.
pub const LOCAL: &str = "127.0.0.1:0";

/// A server running `serve_forever` in its own thread; shut down and
/// joined on drop (where `serve_forever` must have succeeded, unless the
/// test is already failing).
pub struct Serving<T: Transport, C: Concurrency, H: RequestHandler<T::Request>> {
    /// The server, shared with its serving thread: its statistics, its
    /// pool's handle.
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

    /// Shuts down and returns the drain report; fails if `serve_forever`
    /// takes more than `limit` to return.
    pub fn stop_within(self, limit: Duration) -> DrainReport {
        self.stop.shutdown();
        self.finish(limit).1
    }

    /// Forgets the types: for a test that runs one scenario over several
    /// transports.
    pub fn erased(self) -> AnyServing
    where
        Self: 'static,
    {
        AnyServing { addr: self.addr(), serving: Box::new(self) }
    }

    /// Shuts down and waits (at most [`PROMPT`]) for `serve_forever`.
    pub fn shutdown(self) -> (Arc<Server<T, C, H>>, DrainReport) {
        self.stop.shutdown();
        self.finish(PROMPT)
    }
}

/// A [`Serving`] whose transport, concurrency and handler are forgotten:
/// its address, and the same shutdown and checks on drop.
pub struct AnyServing {
    addr: Address,
    serving: Box<dyn Any>,
}

impl AnyServing {
    /// The bound address.
    pub fn addr(&self) -> &Address {
        &self.addr
    }
}

impl<T: Transport, C: Concurrency, H: RequestHandler<T::Request>> Drop for Serving<T, C, H> {
    fn drop(&mut self) {
        let Some(thread) = self.thread.take() else { return };
        self.stop.shutdown();
        let joined = thread.join();
        if !thread::panicking() {
            joined.expect("the serving thread panicked");
            self.done.recv().expect("serve_forever's result").expect("serve_forever failed");
        }
    }
}
