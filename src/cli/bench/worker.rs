//! One closed-loop client: a request, its answer, the next request.

use super::exchange::{Exchange, Link, Verdict};
use super::plan::LoadPlan;
use super::progress::Progress;
use super::stats::WorkerStats;
use super::window::Window;
use crossbeam_channel::{Receiver, Sender};
use std::io;
use std::time::{Duration, Instant};

/// Pause after a failed connect, so a server that refuses is not spun on.
const RETRY_PAUSE: Duration = Duration::from_millis(10);

/// One worker's loop over its own connection and buffers.
pub struct Worker<'a> {
    plan: &'a LoadPlan,
    progress: &'a Progress,
    exchange: Box<dyn Exchange>,
    link: Option<Link>,
    stats: WorkerStats,
}

impl std::fmt::Debug for Worker<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker").field("link", &self.link).field("stats", &self.stats).finish_non_exhaustive()
    }
}

impl<'a> Worker<'a> {
    /// A worker for `plan`, reporting to `progress`.
    pub fn new(plan: &'a LoadPlan, progress: &'a Progress) -> Worker<'a> {
        let exchange = plan.request.exchange(plan.addr, plan.per_request);
        Worker { plan, progress, exchange, link: None, stats: WorkerStats::new() }
    }

    /// Connects (unless every request gets its own connection), says it
    /// is ready, waits for the start, then loops until the window ends.
    pub fn run(mut self, ready: Sender<()>, start: Receiver<Window>) -> WorkerStats {
        if !self.plan.per_request {
            let _ = self.connect(None);
        }
        let _ = ready.send(());
        let Ok(window) = start.recv() else { return self.stats };
        while Instant::now() < window.until {
            self.once(window);
        }
        self.stats
    }

    /// One request, timed and counted if it ends inside the window.
    fn once(&mut self, window: Window) {
        if self.link.is_none() && !self.plan.per_request && !self.connect(Some(window)) {
            std::thread::sleep(RETRY_PAUSE);
            return;
        }
        let began = Instant::now();
        let result = self.round_trip();
        let ended = Instant::now();
        if self.plan.per_request {
            self.link = None;
        }
        let counted = ended >= window.from && ended <= window.until;
        match result {
            Ok(Verdict::Correct) => {
                self.progress.correct();
                if counted {
                    self.stats.correct(ended - began);
                }
            }
            Ok(Verdict::Wrong) => {
                self.progress.wrong();
                if counted {
                    self.stats.wrong();
                }
                self.link = None;
            }
            Err(err) => {
                self.progress.error();
                if counted {
                    self.stats.error(&err);
                }
                self.link = None;
            }
        }
    }

    /// Sends one request and reads its answer, dialing first when the
    /// worker opens a connection per request.
    fn round_trip(&mut self) -> io::Result<Verdict> {
        if self.link.is_none() {
            self.exchange.reset();
            self.link = Some(self.plan.request.dial(self.plan.addr, self.plan.timeout)?);
        }
        let link = self.link.as_mut().expect("dialed above");
        self.exchange.exchange(link)
    }

    /// Opens the worker's persistent connection; a failure is counted
    /// when it falls in the window (or before the run, `None`).
    fn connect(&mut self, window: Option<Window>) -> bool {
        self.exchange.reset();
        match self.plan.request.dial(self.plan.addr, self.plan.timeout) {
            Ok(link) => {
                self.link = Some(link);
                true
            }
            Err(err) => {
                let now = Instant::now();
                self.progress.error();
                if window.map_or(true, |w| now >= w.from && now <= w.until) {
                    self.stats.error(&err);
                }
                false
            }
        }
    }
}
