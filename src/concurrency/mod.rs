//! Concurrency strategies: where a request runs (Python's
//! `process_request`). One file per strategy.
//!
//! The server hands each accepted request to its strategy as a [`Job`].
//! Panics never escape a job (the server catches them around the handler),
//! and every strategy can drain: stop taking work and wait, up to a
//! deadline, for its threads to finish.

mod dispatch;
mod job;
mod overload;
mod per_connection;
mod pool;
mod single;
mod strategy;
#[cfg(feature = "threadpool")]
mod threadpool_crate;

pub use self::dispatch::Dispatch;
pub use self::job::Job;
pub use self::overload::Overload;
pub use self::per_connection::ThreadPerConnection;
pub use self::pool::ThreadPool;
pub use self::single::SingleThread;
pub use self::strategy::{Strategy, StrategyKind};

use std::io;
use std::time::Instant;

/// Decides where each request runs.
///
/// Implement it to plug in another pool: [`execute`](Self::execute) must
/// either run the job (now or later, on any thread) or reject it, and
/// should not block for long unless it is applying back-pressure, in which
/// case it selects on [`Job::cancelled`] so shutdown is never stuck.
///
/// # Examples
///
/// A strategy that runs each request on a fresh, uncapped thread:
///
/// ```
/// use socketserver::{Concurrency, Job};
///
/// #[derive(Debug)]
/// struct Spawn;
///
/// impl Concurrency for Spawn {
///     fn execute(&self, job: Job) {
///         std::thread::spawn(move || job.run());
///     }
///
///     fn describe(&self) -> String {
///         "spawn".into()
///     }
/// }
/// ```
pub trait Concurrency: Send + Sync + 'static {
    /// Starts threads, if the strategy has any; called once at bind.
    /// Default: nothing.
    ///
    /// # Errors
    ///
    /// Fails when a thread cannot be started.
    fn start(&self) -> io::Result<()> {
        Ok(())
    }

    /// Runs or rejects one job.
    fn execute(&self, job: Job);

    /// How the server runs its connections with this strategy: with a
    /// reactor on the serving thread or on long-running jobs, or a job per
    /// connection. Default: [`Dispatch::Blocking`], a job per connection.
    fn dispatch(&self) -> Dispatch {
        Dispatch::Blocking
    }

    /// Stops taking jobs and waits until `deadline` for running ones to
    /// finish; returns how many threads were still busy at the deadline.
    /// Default: nothing to wait for, `0`.
    fn drain(&self, _deadline: Instant) -> usize {
        0
    }

    /// How many threads the strategy runs now, for
    /// [`Stats::threads`](crate::Stats::threads). Default: `0`, a
    /// strategy with no threads of its own.
    fn threads(&self) -> usize {
        0
    }

    /// A short description for the start-up log line, such as
    /// `pool (8 workers, queue 32, wait)`.
    fn describe(&self) -> String;
}
