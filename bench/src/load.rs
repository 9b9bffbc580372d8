//! One load run: hold the idle connections, start the event-loop threads
//! together, print progress, and merge what they counted.

use super::attack::AttackStats;
use super::event_loop::{Counted, EventLoop};
use super::idle::IdleConnections;
use super::nofile;
use super::plan::LoadPlan;
use super::progress::{self, Progress};
use super::report::Report;
use super::stats::WorkerStats;
use super::timeline::Timeline;
use super::window::Window;
use crossbeam_channel::bounded;
use std::thread;
use std::time::{Duration, Instant};

/// Stack of a load thread: its buffers live on the heap.
const THREAD_STACK: usize = 256 * 1024;
/// File descriptors kept free beyond the connections.
const SPARE_FILES: u64 = 64;

/// Runs `plan` and reports what it measured.
///
/// # Errors
///
/// A message when the open-file limit is too low for the connections
/// asked for, or a load thread cannot be started.
pub fn measure(plan: &LoadPlan) -> Result<Report, String> {
    let attacking = plan.slow + plan.slow_read + plan.pipeline_flood;
    let probe = usize::from(plan.windows.is_some());
    let needed = (plan.conns + plan.idle + attacking + probe) as u64 + SPARE_FILES;
    let limit = nofile::raise_to(needed);
    if limit < needed {
        return Err(format!(
            "{} connections, {} idle and {attacking} attacking need {needed} open files, but the limit is \
             {limit} (raise the hard limit with `ulimit -Hn`)",
            plan.conns, plan.idle,
        ));
    }
    let idle = IdleConnections::open(plan.addr, plan.idle, plan.timeout);
    let progress = Progress::default();
    let mut counted = thread::scope(|scope| drive(scope, plan, &progress))?;
    if counted.stats.first_error.is_none() {
        counted.stats.first_error.clone_from(&idle.first_error);
    }
    Ok(Report::new(plan, &counted, idle.open_count(), idle.failed))
}

/// Starts the event loops, releases them together, waits out the run.
fn drive<'scope>(
    scope: &'scope thread::Scope<'scope, '_>,
    plan: &'scope LoadPlan,
    progress: &'scope Progress,
) -> Result<Counted, String> {
    let (ready_tx, ready_rx) = bounded(plan.threads);
    let (start_tx, start_rx) = bounded(plan.threads);
    let mut loops = Vec::with_capacity(plan.threads);
    for index in 0..plan.threads {
        let (ready, start) = (ready_tx.clone(), start_rx.clone());
        let spawned = thread::Builder::new()
            .name(format!("bench-{index}"))
            .stack_size(THREAD_STACK)
            .spawn_scoped(scope, move || match EventLoop::new(plan, progress, index) {
                Ok(event_loop) => Ok(event_loop.run(ready, start)),
                Err(err) => Err(format!("cannot create a poller: {err}")),
            });
        loops.push(spawned.map_err(|err| format!("cannot start load thread {index}: {err}"))?);
    }
    drop(ready_tx);
    for _ in 0..plan.threads {
        let _ = ready_rx.recv();
    }
    let began = Instant::now();
    let window = Window { from: began + plan.warmup, until: began + plan.warmup + plan.duration };
    for _ in 0..plan.threads {
        let _ = start_tx.send(window);
    }
    watch(plan, progress, began, window);
    let mut total = Counted { stats: WorkerStats::new(), attack: AttackStats::default(), timeline: None };
    for event_loop in loops {
        let counted = event_loop.join().map_err(|_| "a load thread panicked".to_string())??;
        total.stats.merge(&counted.stats);
        total.attack.merge(&counted.attack);
        total.timeline = merge_timelines(total.timeline, counted.timeline);
    }
    Ok(total)
}

/// One timeline from two threads' (either may have none).
fn merge_timelines(a: Option<Timeline>, b: Option<Timeline>) -> Option<Timeline> {
    match (a, b) {
        (Some(mut a), Some(b)) => {
            a.merge(&b);
            Some(a)
        }
        (a, b) => a.or(b),
    }
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
    use crate::request_spec::RequestSpec;
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
            threads: 1,
            slow: 0,
            slow_read: 0,
            slow_interval: Duration::from_secs(1),
            pipeline_flood: 0,
            rotate: crate::plan::DEFAULT_ROTATE,
            stall: crate::plan::DEFAULT_STALL,
            windows: None,
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
