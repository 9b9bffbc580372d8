//! Helpers shared by the hostile-client tests: start a server on a thread,
//! collect log records, read this process's threads and memory.

#![allow(dead_code)]

use parking_lot::Mutex;
use socketserver::{
    Concurrency, DrainReport, RequestHandler, Server, ServerBuilder, ShutdownHandle, Transport,
};
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A server running on its own thread.
pub struct Running {
    pub addr: SocketAddr,
    pub stop: ShutdownHandle,
    pub thread: JoinHandle<std::io::Result<DrainReport>>,
}

impl Running {
    /// Shuts down and returns the drain report, failing if it takes more
    /// than `limit`.
    pub fn stop_within(self, limit: Duration) -> DrainReport {
        let started = Instant::now();
        self.stop.shutdown();
        let report = self.thread.join().expect("server thread panicked").expect("serve_forever failed");
        assert!(started.elapsed() < limit, "shutdown took {:?}", started.elapsed());
        report
    }
}

/// Binds `builder` with transport `T` on 127.0.0.1:0 and serves it on a
/// thread; `inspect` sees the bound server first (to clone handles).
pub fn start<T, C, H>(builder: ServerBuilder<H, C>, inspect: impl FnOnce(&Server<T, C, H>)) -> Running
where
    T: Transport,
    C: Concurrency,
    H: RequestHandler<T::Request>,
{
    let server = builder.bind::<T>("127.0.0.1:0").expect("bind");
    inspect(&server);
    let addr = server.local_addr().as_inet().expect("inet address");
    let stop = server.shutdown_handle();
    let thread = std::thread::spawn(move || server.serve_forever());
    Running { addr, stop, thread }
}

/// Every log record, as (level, message).
pub fn logs() -> &'static Mutex<Vec<(log::Level, String)>> {
    static LOGS: OnceLock<Mutex<Vec<(log::Level, String)>>> = OnceLock::new();
    LOGS.get_or_init(|| Mutex::new(Vec::new()))
}

struct Collector;

impl log::Log for Collector {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        logs().lock().push((record.level(), record.args().to_string()));
    }

    fn flush(&self) {}
}

/// Routes log records to [`logs`] and silences the default panic message
/// (the server reports panics through `handle_error`).
pub fn capture_logs() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let _ = log::set_boxed_logger(Box::new(Collector));
        log::set_max_level(log::LevelFilter::Trace);
        std::panic::set_hook(Box::new(|_| {}));
    });
}

/// Threads in this process now.
pub fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task").map(|dir| dir.count()).unwrap_or(0)
}

/// Resident memory of this process, in KiB.
pub fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Polls `done` until it holds or `limit` passes; returns whether it held.
/// Polling with an upper bound, yielding between checks: no fixed sleeps.
pub fn eventually(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    let ticker = crossbeam_channel::tick(Duration::from_millis(5));
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        let _ = ticker.recv();
    }
    done()
}
