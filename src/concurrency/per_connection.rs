//! A thread for each request, optionally capped.

use super::{Concurrency, Job, Overload};
use crossbeam_channel::{unbounded, Receiver, Select, Sender};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::thread::{self, JoinHandle};
use std::time::Instant;

/// A new thread for each request: Python's `ThreadingMixIn`, with a cap.
///
/// Finished threads are reaped as they end, so the handles kept never
/// outnumber the threads alive, however many requests are served (Python
/// kept every handle: bpo-37193). With a cap, a request past it meets the
/// [`Overload`] policy.
///
/// # Examples
///
/// ```
/// use socketserver::{Overload, ThreadPerConnection};
///
/// let unbounded = ThreadPerConnection::new();
/// let capped = ThreadPerConnection::new().max_threads(256).overload(Overload::Reject);
/// assert_eq!(capped.handles_kept(), 0);
/// ```
#[derive(Debug)]
pub struct ThreadPerConnection {
    max_threads: Option<usize>,
    overload: Overload,
    name: String,
    threads: Mutex<Threads>,
    finished_tx: Sender<u64>,
    finished_rx: Receiver<u64>,
}

#[derive(Debug, Default)]
struct Threads {
    handles: HashMap<u64, JoinHandle<()>>,
    next_id: u64,
}

impl ThreadPerConnection {
    /// A strategy with no cap and the [`Overload::Wait`] policy.
    pub fn new() -> ThreadPerConnection {
        let (finished_tx, finished_rx) = unbounded();
        ThreadPerConnection {
            max_threads: None,
            overload: Overload::Wait,
            name: "ss-conn".to_string(),
            threads: Mutex::new(Threads::default()),
            finished_tx,
            finished_rx,
        }
    }

    /// Caps the threads alive at once. Default is no cap (the server's
    /// [`max_connections`](crate::ServerConfig::max_connections) still
    /// applies).
    ///
    /// # Panics
    ///
    /// Panics if `max` is zero.
    pub fn max_threads(mut self, max: usize) -> ThreadPerConnection {
        assert!(max > 0, "max_threads must be at least 1");
        self.max_threads = Some(max);
        self
    }

    /// Sets what happens past the cap. Default is [`Overload::Wait`].
    pub fn overload(mut self, policy: Overload) -> ThreadPerConnection {
        self.overload = policy;
        self
    }

    /// Sets the name of each request's thread. Default is `ss-conn`.
    pub fn name(mut self, name: impl Into<String>) -> ThreadPerConnection {
        self.name = name.into();
        self
    }

    /// How many thread handles are kept now, after reaping finished ones:
    /// never more than the threads still running.
    pub fn handles_kept(&self) -> usize {
        let mut threads = self.threads.lock();
        self.reap(&mut threads);
        threads.handles.len()
    }

    fn reap(&self, threads: &mut Threads) {
        while let Ok(id) = self.finished_rx.try_recv() {
            self.join(threads, id);
        }
    }

    fn join(&self, threads: &mut Threads, id: u64) {
        if let Some(handle) = threads.handles.remove(&id) {
            let _ = handle.join();
        }
    }

    /// Waits until a thread ends or the server shuts down; `false` when it
    /// shut down.
    fn wait_for_room(&self, job: &Job) -> bool {
        let mut select = Select::new();
        let finished = select.recv(&self.finished_rx);
        select.recv(job.cancelled());
        let operation = select.select();
        if operation.index() != finished {
            let _ = operation.recv(job.cancelled());
            return false;
        }
        if let Ok(id) = operation.recv(&self.finished_rx) {
            self.join(&mut self.threads.lock(), id);
        }
        true
    }

    fn at_cap(&self) -> bool {
        let mut threads = self.threads.lock();
        self.reap(&mut threads);
        self.max_threads.is_some_and(|max| threads.handles.len() >= max)
    }

    fn spawn(&self, job: Job) {
        let mut threads = self.threads.lock();
        let id = threads.next_id;
        threads.next_id += 1;
        let finished = self.finished_tx.clone();
        let spawned = thread::Builder::new().name(self.name.clone()).spawn(move || {
            job.run();
            let _ = finished.send(id);
        });
        match spawned {
            Ok(handle) => {
                threads.handles.insert(id, handle);
            }
            Err(err) => log::error!("cannot start a thread for a request, closing it: {err}"),
        }
    }
}

impl Default for ThreadPerConnection {
    fn default() -> ThreadPerConnection {
        ThreadPerConnection::new()
    }
}

impl Concurrency for ThreadPerConnection {
    /// The connection threads still running (or not yet reaped).
    fn threads(&self) -> usize {
        self.handles_kept()
    }

    fn execute(&self, job: Job) {
        while self.at_cap() {
            if self.overload == Overload::Reject || !self.wait_for_room(&job) {
                return job.reject();
            }
        }
        self.spawn(job)
    }

    fn drain(&self, deadline: Instant) -> usize {
        loop {
            let mut threads = self.threads.lock();
            self.reap(&mut threads);
            if threads.handles.is_empty() {
                return 0;
            }
            drop(threads);
            match self.finished_rx.recv_deadline(deadline) {
                Ok(id) => self.join(&mut self.threads.lock(), id),
                Err(_) => return self.threads.lock().handles.len(),
            }
        }
    }

    fn describe(&self) -> String {
        match self.max_threads {
            Some(max) => format!("threads (at most {max}, {})", self.overload),
            None => "threads (no cap)".to_string(),
        }
    }
}
