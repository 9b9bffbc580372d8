//! A fixed set of named workers fed by a bounded queue.

use super::{Concurrency, Dispatch, Job, Overload};
use crossbeam_channel::{bounded, Receiver, RecvTimeoutError, Select, Sender, TrySendError};
use parking_lot::{Mutex, RwLock};
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Instant;

/// A fixed number of named worker threads that run the server's reactor:
/// the strategy a public-facing server wants.
///
/// Threads are bounded (unlike Python's `ThreadingMixIn`). Message and
/// HTTP connections wait in the server's poller, not in a worker: one
/// worker polls and runs what is ready, the others sleep until a step
/// blocks for long (see [`Dispatch::Loops`] and
/// `docs/reactor.md`), so idle, trickling and non-reading clients hold no
/// worker ([`Stats::waiting`](crate::Stats::waiting) counts them). A raw
/// [`RequestHandler`](crate::RequestHandler) holds a worker for the length
/// of `handle`, so `workers` is also the number of raw connections served
/// at once; at most `queue` more wait for a worker, then the [`Overload`]
/// policy applies (wait: accepting pauses and the rest wait in the listen
/// backlog; reject: the handler's busy reply). A job that panics is
/// caught; the worker lives on, so the pool never shrinks. For
/// `handle_request` (no reactor running), the pool runs each connection as
/// a job from its bounded `crossbeam-channel` queue.
///
/// # Examples
///
/// ```
/// use socketserver::{Overload, ThreadPool};
///
/// let pool = ThreadPool::new(8).queue(32).overload(Overload::Reject);
/// assert_eq!(pool.workers(), 8);
/// ```
#[derive(Debug)]
pub struct ThreadPool {
    workers: usize,
    queue: usize,
    overload: Overload,
    name: String,
    sender: RwLock<Option<Sender<Job>>>,
    running: Mutex<Option<Running>>,
    live: Arc<AtomicUsize>,
    idle: Arc<AtomicUsize>,
}

#[derive(Debug)]
struct Running {
    handles: Vec<JoinHandle<()>>,
    all_done: Receiver<()>,
}

impl ThreadPool {
    /// A pool of `workers` threads with a queue of `4 × workers` jobs and
    /// the [`Overload::Wait`] policy. Threads start when the server binds.
    ///
    /// # Panics
    ///
    /// Panics if `workers` is zero.
    pub fn new(workers: usize) -> ThreadPool {
        assert!(workers > 0, "a thread pool needs at least one worker");
        ThreadPool {
            workers,
            queue: workers * 4,
            overload: Overload::Wait,
            name: "ss-worker".to_string(),
            sender: RwLock::new(None),
            running: Mutex::new(None),
            live: Arc::new(AtomicUsize::new(0)),
            idle: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Sets how many accepted requests may wait for a worker. `0` hands
    /// each request straight to a worker already waiting for one: with
    /// [`Overload::Reject`], a request that arrives while every worker is
    /// busy, or still finishing its last job, is refused. Default is
    /// `4 × workers`.
    pub fn queue(mut self, capacity: usize) -> ThreadPool {
        self.queue = capacity;
        self
    }

    /// Sets what happens when the queue is full. Default is
    /// [`Overload::Wait`].
    pub fn overload(mut self, policy: Overload) -> ThreadPool {
        self.overload = policy;
        self
    }

    /// Sets the worker thread name prefix; workers are named
    /// `PREFIX-N`. Default is `ss-worker`.
    pub fn name(mut self, prefix: impl Into<String>) -> ThreadPool {
        self.name = prefix.into();
        self
    }

    /// The number of workers the pool was built with.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// The number of worker threads alive now.
    pub fn live_workers(&self) -> usize {
        self.live.load(Ordering::SeqCst)
    }

    fn spawn_workers(&self, jobs: &Receiver<Job>) -> io::Result<Running> {
        let (done_tx, all_done) = bounded::<()>(0);
        let mut handles = Vec::with_capacity(self.workers);
        for index in 0..self.workers {
            let (jobs, done) = (jobs.clone(), done_tx.clone());
            let (live, idle) = (Arc::clone(&self.live), Arc::clone(&self.idle));
            live.fetch_add(1, Ordering::SeqCst);
            let spawned = thread::Builder::new()
                .name(format!("{}-{index}", self.name))
                .spawn(move || work(&jobs, &live, &idle, done));
            match spawned {
                Ok(handle) => handles.push(handle),
                Err(err) => {
                    self.live.fetch_sub(1, Ordering::SeqCst);
                    return Err(err);
                }
            }
        }
        Ok(Running { handles, all_done })
    }
}

impl Default for ThreadPool {
    /// Thirty-two workers; see [`ThreadPool::new`].
    fn default() -> ThreadPool {
        ThreadPool::new(32)
    }
}

/// A worker's life: run jobs until the queue closes, counted idle while
/// it waits for one.
fn work(jobs: &Receiver<Job>, live: &AtomicUsize, idle: &AtomicUsize, _done: Sender<()>) {
    loop {
        idle.fetch_add(1, Ordering::SeqCst);
        let next = jobs.recv();
        idle.fetch_sub(1, Ordering::SeqCst);
        let Ok(job) = next else { break };
        if catch_unwind(AssertUnwindSafe(|| job.run())).is_err() {
            log::error!("a job panicked outside its handler; the worker lives on");
        }
    }
    live.fetch_sub(1, Ordering::SeqCst);
}

/// Queues `job`, blocking while the queue is full unless the server shuts
/// down meanwhile, in which case the job is rejected.
pub(crate) fn send_or_cancel(queue: &Sender<Job>, job: Job) {
    let cancel = job.cancelled().clone();
    let mut select = Select::new();
    let send = select.send(queue);
    select.recv(&cancel);
    let operation = select.select();
    if operation.index() == send {
        if let Err(failed) = operation.send(queue, job) {
            failed.into_inner().reject();
        }
    } else {
        let _ = operation.recv(&cancel);
        job.reject();
    }
}

impl Concurrency for ThreadPool {
    fn start(&self) -> io::Result<()> {
        let mut running = self.running.lock();
        if running.is_none() {
            let (tx, rx) = bounded(self.queue);
            *running = Some(self.spawn_workers(&rx)?);
            *self.sender.write() = Some(tx);
        }
        Ok(())
    }

    fn execute(&self, job: Job) {
        let sender = self.sender.read();
        let Some(queue) = sender.as_ref() else {
            return job.reject();
        };
        match self.overload {
            Overload::Wait => send_or_cancel(queue, job),
            Overload::Reject => match queue.try_send(job) {
                Ok(()) => {}
                Err(TrySendError::Full(job) | TrySendError::Disconnected(job)) => job.reject(),
            },
        }
    }

    /// The live workers.
    fn threads(&self) -> usize {
        self.live_workers()
    }

    fn dispatch(&self) -> Dispatch {
        Dispatch::Loops { loops: self.workers, queue: self.queue, overload: self.overload }
    }

    fn drain(&self, deadline: Instant) -> usize {
        self.sender.write().take();
        let Some(running) = self.running.lock().take() else {
            return 0;
        };
        let timeout = deadline.saturating_duration_since(Instant::now());
        match running.all_done.recv_timeout(timeout) {
            Err(RecvTimeoutError::Timeout) => self.live_workers(),
            _ => {
                for handle in running.handles {
                    let _ = handle.join();
                }
                0
            }
        }
    }

    fn describe(&self) -> String {
        format!("pool ({} workers, queue {}, {})", self.workers, self.queue, self.overload)
    }
}
