//! What the connections of one load thread share: the poller, the plan,
//! the counters and a read buffer.

use super::attack::{AttackStats, FLOOD_PER_ROUND};
use super::exchange::Verdict;
use super::plan::LoadPlan;
use super::progress::Progress;
use super::stats::WorkerStats;
use super::timeline::Timeline;
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
    /// The thread's counts per window, with `--windows`, once the run
    /// has started.
    pub timeline: Option<Timeline>,
    /// What the attacking connections did.
    pub attack: AttackStats,
    /// Keys of connections that stopped at the end of their turn, not at a
    /// full socket, and want another turn before the poller is asked
    /// again (edge-triggered readiness will not remind them).
    pub again: Vec<usize>,
    /// Bytes the flooding connections may still write before the poller
    /// is looked at again (see [`FLOOD_PER_ROUND`]).
    pub flood_budget: usize,
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
            timeline: None,
            attack: AttackStats::default(),
            again: Vec::new(),
            flood_budget: FLOOD_PER_ROUND,
            scratch: vec![0; SCRATCH],
        }
    }

    /// Whether something that happened at `at` is counted: inside the
    /// window, or before the run (a failed first connect).
    fn counts(&self, at: Instant) -> bool {
        self.window.is_none_or(|w| at >= w.from && at <= w.until)
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
                if let Some(timeline) = self.timeline.as_mut() {
                    timeline.correct(ended, ended - began);
                }
            }
            Verdict::Wrong => {
                self.progress.wrong();
                if counted {
                    self.stats.wrong();
                }
                if let Some(timeline) = self.timeline.as_mut() {
                    timeline.wrong(ended);
                }
            }
        }
    }

    /// A failed connect, send or answer.
    pub fn failed(&mut self, err: &io::Error) {
        self.progress.error();
        let now = Instant::now();
        if self.counts(now) {
            self.stats.error(err);
        }
        if let Some(timeline) = self.timeline.as_mut() {
            timeline.error(now);
        }
    }
}
