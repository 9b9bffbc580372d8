//! One load run: hold the idle connections, start the workers together,
//! print progress, and merge what they counted.

use super::idle::IdleConnections;
use super::nofile;
use super::plan::LoadPlan;
use super::progress::{self, Progress};
use super::report::Report;
use super::stats::WorkerStats;
use super::window::Window;
use super::worker::Worker;
use crossbeam_channel::bounded;
use std::thread;
use std::time::{Duration, Instant};

/// Stack of a worker thread: its buffers live on the heap.
const WORKER_STACK: usize = 256 * 1024;
/// File descriptors kept free beyond the connections.
const SPARE_FILES: u64 = 64;

/// Runs `plan` and reports what it measured.
///
/// # Errors
///
/// A message when the open-file limit is too low for the connections
/// asked for, or a worker thread cannot be started.
pub fn measure(plan: &LoadPlan) -> Result<Report, String> {
    let needed = (plan.conns + plan.idle) as u64 + SPARE_FILES;
    let limit = nofile::raise_to(needed);
    if limit < needed {
        return Err(format!(
            "{} connections and {} idle need {needed} open files, but the limit is {limit} \
             (raise the hard limit with `ulimit -Hn`)",
            plan.conns, plan.idle
        ));
    }
    let idle = IdleConnections::open(plan.addr, plan.idle, plan.timeout);
    let progress = Progress::default();
    let mut stats = thread::scope(|scope| drive(scope, plan, &progress))?;
    if stats.first_error.is_none() {
        stats.first_error.clone_from(&idle.first_error);
    }
    Ok(Report::new(plan, &stats, idle.open_count(), idle.failed))
}

/// Starts the workers, releases them together, waits out the run.
fn drive<'scope>(
    scope: &'scope thread::Scope<'scope, '_>,
    plan: &'scope LoadPlan,
    progress: &'scope Progress,
) -> Result<WorkerStats, String> {
    let (ready_tx, ready_rx) = bounded(plan.conns);
    let (start_tx, start_rx) = bounded(plan.conns);
    let mut workers = Vec::with_capacity(plan.conns);
    for index in 0..plan.conns {
        let (ready, start) = (ready_tx.clone(), start_rx.clone());
        let worker = Worker::new(plan, progress);
        let spawned = thread::Builder::new()
            .name(format!("bench-{index}"))
            .stack_size(WORKER_STACK)
            .spawn_scoped(scope, move || worker.run(ready, start));
        workers.push(spawned.map_err(|err| format!("cannot start worker thread {index}: {err}"))?);
    }
    drop(ready_tx);
    for _ in 0..plan.conns {
        let _ = ready_rx.recv();
    }
    let began = Instant::now();
    let window = Window { from: began + plan.warmup, until: began + plan.warmup + plan.duration };
    for _ in 0..plan.conns {
        let _ = start_tx.send(window);
    }
    watch(plan, progress, began, window);
    let mut total = WorkerStats::new();
    for worker in workers {
        total.merge(&worker.join().map_err(|_| "a worker thread panicked".to_string())?);
    }
    Ok(total)
}

/// Sleeps until the window ends, printing a progress line each second.
fn watch(plan: &LoadPlan, progress: &Progress, began: Instant, window: Window) {
    let mut before = progress.snapshot();
    let mut tick = began;
    loop {
        let now = Instant::now();
        if now >= window.until {
            break;
        }
        let next = (tick + Duration::from_secs(1)).min(window.until);
        thread::sleep(next.saturating_duration_since(now));
        let snapshot = progress.snapshot();
        if plan.progress {
            let phase = if next <= window.from { "warming" } else { "measuring" };
            progress::print_line(phase, next - began, before, snapshot, next - tick);
        }
        before = snapshot;
        tick = next;
    }
    if plan.progress {
        progress::finish_line();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::bench::request_spec::RequestSpec;
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    /// An echo server that changes the last byte of everything it sends
    /// back; stops once `stop` is set and it is woken by a connection.
    fn corrupting_echo(stop: Arc<AtomicBool>) -> std::net::SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(mut stream) = stream else { continue };
                thread::spawn(move || {
                    let mut buf = [0; 4096];
                    while let Ok(n @ 1..) = stream.read(&mut buf) {
                        buf[n - 1] ^= 0xff;
                        if stream.write_all(&buf[..n]).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        addr
    }

    #[test]
    fn a_wrong_echo_is_counted_as_wrong() {
        let stop = Arc::new(AtomicBool::new(false));
        let addr = corrupting_echo(stop.clone());
        let plan = LoadPlan {
            addr,
            conns: 2,
            duration: Duration::from_millis(150),
            warmup: Duration::ZERO,
            timeout: Duration::from_secs(5),
            per_request: false,
            idle: 1,
            request: RequestSpec::Echo { size: 64 },
            progress: false,
        };
        let report = measure(&plan).unwrap();
        stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(addr);
        assert!(report.wrong > 0, "{report:?}");
        assert_eq!(report.requests, 0, "{report:?}");
        assert_eq!(report.errors, 0, "{report:?}");
        assert_eq!(report.idle_open, 1, "{report:?}");
    }
}
