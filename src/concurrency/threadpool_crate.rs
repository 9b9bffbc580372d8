//! `Concurrency` for the `threadpool` crate's pool (feature `threadpool`).

use super::{Concurrency, Job};
use std::time::Instant;

/// Runs each job on a user's `threadpool::ThreadPool`: proof that the
/// trait is open to other pools.
///
/// That crate's queue is unbounded, so this strategy applies no
/// back-pressure; the server's `max_connections` is the only bound. The
/// drain waits for the pool's queued jobs up to the deadline.
impl Concurrency for threadpool::ThreadPool {
    fn execute(&self, job: Job) {
        threadpool::ThreadPool::execute(self, move || job.run())
    }

    fn drain(&self, deadline: Instant) -> usize {
        let (pool, (done_tx, done_rx)) = (self.clone(), crossbeam_channel::bounded(1));
        std::thread::spawn(move || {
            pool.join();
            let _ = done_tx.send(());
        });
        match done_rx.recv_deadline(deadline) {
            Ok(()) => 0,
            Err(_) => self.active_count() + self.queued_count(),
        }
    }

    fn describe(&self) -> String {
        format!("threadpool crate ({} threads)", self.max_count())
    }
}
