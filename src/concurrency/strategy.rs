//! The strategy a config file or flag selects.

use super::{Concurrency, Dispatch, Job, Overload, SingleThread, ThreadPerConnection, ThreadPool};
#[cfg(feature = "config")]
use serde::Deserialize;
use std::fmt;
use std::io;
use std::str::FromStr;
use std::time::Instant;

/// Any of the bundled strategies, chosen at run time: what a binary uses
/// when the strategy comes from a config file or a flag.
///
/// # Examples
///
/// ```
/// use socketserver::{Concurrency, Overload, Strategy, StrategyKind};
///
/// let kind: StrategyKind = "pool".parse().unwrap();
/// let strategy = Strategy::new(kind, 4, Some(16), Overload::Wait);
/// assert_eq!(strategy.describe(), "pool (4 workers, queue 16, wait)");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Strategy {
    /// See [`SingleThread`].
    Single(SingleThread),
    /// See [`ThreadPerConnection`].
    Threads(ThreadPerConnection),
    /// See [`ThreadPool`].
    Pool(ThreadPool),
}

/// The name of a strategy, as config files and flags spell it: `single`,
/// `threads` or `pool`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "config", derive(Deserialize), serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum StrategyKind {
    /// [`SingleThread`].
    Single,
    /// [`ThreadPerConnection`].
    Threads,
    /// [`ThreadPool`].
    Pool,
}

impl Strategy {
    /// Builds a strategy. `workers` is the pool size, or the thread cap of
    /// `threads`; `queue` the pool's queue (default `4 × workers`).
    ///
    /// # Panics
    ///
    /// Panics if `workers` is zero for `pool` or `threads`.
    pub fn new(kind: StrategyKind, workers: usize, queue: Option<usize>, overload: Overload) -> Strategy {
        match kind {
            StrategyKind::Single => Strategy::Single(SingleThread),
            StrategyKind::Threads => {
                Strategy::Threads(ThreadPerConnection::new().max_threads(workers).overload(overload))
            }
            StrategyKind::Pool => {
                let pool = ThreadPool::new(workers).overload(overload);
                Strategy::Pool(match queue {
                    Some(queue) => pool.queue(queue),
                    None => pool,
                })
            }
        }
    }

    fn inner(&self) -> &dyn Concurrency {
        match self {
            Strategy::Single(s) => s,
            Strategy::Threads(s) => s,
            Strategy::Pool(s) => s,
        }
    }
}

impl Concurrency for Strategy {
    fn start(&self) -> io::Result<()> {
        self.inner().start()
    }

    fn execute(&self, job: Job) {
        self.inner().execute(job)
    }

    fn dispatch(&self) -> Dispatch {
        self.inner().dispatch()
    }

    fn drain(&self, deadline: Instant) -> usize {
        self.inner().drain(deadline)
    }

    fn threads(&self) -> usize {
        self.inner().threads()
    }

    fn describe(&self) -> String {
        self.inner().describe()
    }
}

impl FromStr for StrategyKind {
    type Err = String;

    fn from_str(text: &str) -> Result<StrategyKind, String> {
        match text {
            "single" => Ok(StrategyKind::Single),
            "threads" => Ok(StrategyKind::Threads),
            "pool" => Ok(StrategyKind::Pool),
            _ => Err(format!("`{text}` is not a strategy; accepted: single, threads, pool")),
        }
    }
}

impl fmt::Display for StrategyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StrategyKind::Single => "single",
            StrategyKind::Threads => "threads",
            StrategyKind::Pool => "pool",
        })
    }
}
