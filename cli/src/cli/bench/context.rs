//! What the connections of one load thread share: the poller, the plan,
//! the counters and a read buffer.

use super::attack::AttackStats;
use super::exchange::Verdict;
use super::plan::LoadPlan;
use super::progress::Progress;
use super::stats::WorkerStats;
use super::window::Window;
use polling::Poller;
use std::io;
use std::time::Instant;

/// Size of the read buffer every connection of a thread reads into.
const SCRATCH: usize = 64 * 1024;

/// One load thread's shared state, lent to each connection in turn.
#[derive(Debug)]
pub struct Context<'a> {
    /// The thread's poller, where every connection is registered.
    pub poller: &'a Poller,
    /// The load.
    pub plan: &'a LoadPlan,
    /// The totals the progress line shows.
    pub progress: &'a Progress,
    /// The measured window, once the run has started.
    pub window: Option<Window>,
    /// The thread's counts and latencies.
    pub stats: WorkerStats,
    /// What the attacking connections did.
    pub attack: AttackStats,
    /// Bytes just read, before a connection keeps what it has not used.
    pub scratch: Vec<u8>,
}

impl<'a> Context<'a> {
    /// A context for a thread polling with `poller`.
    pub fn new(poller: &'a Poller, plan: &'a LoadPlan, progress: &'a Progress) -> Context<'a> {
        Context {
            poller,
            plan,
            progress,
            window: None,
            stats: WorkerStats::new(),
            attack: AttackStats::default(),
            scratch: vec![0; SCRATCH],
        }
    }

    /// Whether something that happened at `at` is counted: inside the
    /// window, or before the run (a failed first connect).
    fn counts(&self, at: Instant) -> bool {
        self.window.map_or(true, |w| at >= w.from && at <= w.until)
    }

    /// A complete answer to a request sent at `began`.
    pub fn answered(&mut self, verdict: Verdict, began: Instant, ended: Instant) {
        let counted = self.counts(ended);
        match verdict {
            Verdict::Correct => {
                self.progress.correct();
                if counted {
                    self.stats.correct(ended - began);
                }
            }
            Verdict::Wrong => {
                self.progress.wrong();
                if counted {
                    self.stats.wrong();
                }
            }
        }
    }

    /// A failed connect, send or answer.
    pub fn failed(&mut self, err: &io::Error) {
        self.progress.error();
        if self.counts(Instant::now()) {
            self.stats.error(err);
        }
    }
}
