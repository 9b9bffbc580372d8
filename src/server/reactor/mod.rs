//! The reactor: one poller holding the listener and every waiting
//! connection, a timer heap of their deadlines, and the loop that threads
//! run over them.
//!
//! A thread in [`Reactor::run`] takes the next piece of work from the
//! ready queue; when there is none and no other thread polls, it polls,
//! claims the connections that are ready or due, queues them and runs
//! them itself (eat what you kill); a thread that finds another polling
//! sleeps as a follower until the monitor wakes it ([`monitor`]). No
//! request is handed from a polling thread to a worker through a channel.
//! Connections are registered once, edge-triggered, for both directions
//! (no system call per wait): a step reads and writes until the socket
//! would block, so a change of readiness is what wakes it next. Exactly
//! one thread owns a connection at a time: readiness reported while a
//! thread steps it sends it to the back of the ready queue. Every
//! decision about a connection (wait, step again, yield, close, count in
//! a drain) is made by the sans-IO [`Core`], behind one lock.
//! `docs/reactor.md` has the design, the state diagram and the
//! measurements.

mod accept;
mod connections;
pub(crate) mod core;
mod entry;
mod monitor;
#[cfg(test)]
mod simulation;
mod state;
mod timers;

use self::core::{Core, Settled};
use self::entry::{Entry, Opening};
use super::accept_error::{classify, AcceptError, Backoff};
use super::proxy_stage::HeaderStep;
use super::serve_request::{guarded, Admitted, Context};
use super::tracker::Driver;
use crate::handle::Counters;
use crate::protocol::{Protocol, Wait, Wake};
use crate::request::Request;
use crate::{Concurrency, Dispatch, Failure, Overload, RequestHandler, Transport};
use parking_lot::{Condvar, Mutex};
use polling::{Event, Events, PollMode};
use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Most requests accepted per wake-up before hooks run and shutdown is
/// checked again.
const ACCEPT_BATCH: usize = 64;
/// How often the monitor looks for a loop thread stuck in a long step
/// while work runs (Go's `sysmon` looks every 20 µs to 10 ms).
const MONITOR_TICK: std::time::Duration = std::time::Duration::from_millis(2);
/// The poller key of the listening socket (`polling` reserves `usize::MAX`).
const LISTENER: usize = usize::MAX - 1;

/// One piece of work for a reactor thread.
enum Work<R> {
    /// The listener is ready: accept a batch.
    Accept,
    /// A new connection for a protocol: set up and take the first step.
    Start(Admitted<R>, Box<dyn Protocol<R>>),
    /// A request for a raw handler: set up, handle, finish.
    Raw(Admitted<R>),
    /// A waiting connection whose wait ended.
    Step(usize, Box<Entry<R>>, Wake),
}

/// A server's reactor: transport, handler context and the connections.
pub(crate) struct Reactor<T: Transport, H> {
    pub(crate) transport: T,
    pub(crate) context: Arc<Context<T, H>>,
    concurrency: Arc<dyn Concurrency>,
    dispatch: Dispatch,
    core: Mutex<Core<Entry<T::Request>>>,
    ready: Mutex<VecDeque<Work<T::Request>>>,
    /// Connections that used their step's budget: they run after what
    /// the next poll finds.
    yielded: Mutex<VecDeque<Work<T::Request>>>,
    /// Held by the thread waiting on the poller.
    lead: Mutex<Events>,
    /// The receive buffer for datagrams.
    scratch: Mutex<Vec<u8>>,
    backoff: Mutex<Backoff>,
    /// The listener is armed in the poller.
    listening: AtomicBool,
    /// The loops end.
    stopped: AtomicBool,
    /// Loop threads running a piece of work now.
    busy: AtomicUsize,
    /// Pieces of work finished so far: the monitor's sign of progress.
    completed: AtomicUsize,
    /// Loop threads asleep as followers, and where they sleep.
    followers: Mutex<usize>,
    follower_wake: Condvar,
    /// The monitor sleeps until a loop thread becomes busy.
    monitor_asleep: AtomicBool,
}

impl<T: Transport, H: RequestHandler<T::Request>> Reactor<T, H> {
    pub(crate) fn new(
        transport: T,
        context: Arc<Context<T, H>>,
        concurrency: Arc<dyn Concurrency>,
    ) -> io::Result<Self> {
        let dispatch = concurrency.dispatch();
        let max = context.shared.config.max_message_size;
        // SAFETY: the listener is deleted from the poller in `close`,
        // which the server runs before the transport is dropped.
        unsafe {
            context.shared.poller.add_with_mode(
                transport.as_fd().as_raw_fd(),
                Event::none(LISTENER),
                PollMode::Oneshot,
            )?;
        }
        Ok(Reactor {
            transport,
            context,
            concurrency,
            dispatch,
            core: Mutex::new(Core::default()),
            ready: Mutex::new(VecDeque::new()),
            yielded: Mutex::new(VecDeque::new()),
            lead: Mutex::new(Events::new()),
            scratch: Mutex::new(if T::is_stream() { Vec::new() } else { vec![0; max.saturating_add(1)] }),
            backoff: Mutex::new(Backoff::default()),
            listening: AtomicBool::new(false),
            stopped: AtomicBool::new(false),
            busy: AtomicUsize::new(0),
            completed: AtomicUsize::new(0),
            followers: Mutex::new(0),
            follower_wake: Condvar::new(),
            monitor_asleep: AtomicBool::new(false),
        })
    }

    fn shared(&self) -> &super::shared::Shared {
        &self.context.shared
    }

    /// Runs the loop until the reactor stops or `until` says so; a poll
    /// waits no later than `cap`.
    pub(crate) fn run(&self, until: impl Fn() -> bool, cap: Option<Instant>) {
        while let Some(work) = self.next(&until, cap) {
            self.perform_counted(work);
        }
    }

    /// Takes the next piece of work, leading the poll when there is none.
    /// Work that yielded runs only after a poll has queued what became
    /// ready meanwhile (a poll that does not sleep, when there is
    /// yielded work), so a connection that always has more to do cannot
    /// keep the others' readiness from being seen.
    fn next(&self, until: &impl Fn() -> bool, cap: Option<Instant>) -> Option<Work<T::Request>> {
        loop {
            if let Some(work) = self.ready.lock().pop_front() {
                return Some(work);
            }
            if self.stopped.load(Ordering::Acquire) || until() {
                return None;
            }
            let yielded = !self.yielded.lock().is_empty();
            let Some(mut lead) = self.lead.try_lock() else {
                // Another thread polls: what it finds will be queued.
                let work = self.yielded.lock().pop_front();
                if work.is_some() {
                    return work;
                }
                self.follow();
                continue;
            };
            if let Some(work) = self.ready.lock().pop_front() {
                return Some(work);
            }
            if self.stopped.load(Ordering::Acquire) || until() {
                return None;
            }
            self.poll(&mut lead, if yielded { Some(Instant::now()) } else { cap });
            let mut yielded = std::mem::take(&mut *self.yielded.lock());
            self.ready.lock().append(&mut yielded);
        }
    }

    /// Runs `f` on the core, keeping the count of waiting connections
    /// in the statistics.
    fn with_core<O>(&self, f: impl FnOnce(&mut Core<Entry<T::Request>>) -> O) -> O {
        let mut core = self.core.lock();
        let out = f(&mut core);
        self.shared().counters.waiting.store(core.waiting() as u64, Ordering::Relaxed);
        out
    }

    /// Waits on the poller until something is ready or due, and queues it.
    fn poll(&self, events: &mut Events, cap: Option<Instant>) {
        let cap = match (cap, self.backoff.lock().until()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let timeout = self.core.lock().start_polling(Instant::now(), cap);
        events.clear();
        let polled = self.shared().poller.wait(events, timeout);
        self.core.lock().stop_polling();
        if let Err(err) = polled {
            if err.kind() != io::ErrorKind::Interrupted {
                log::error!("waiting for readiness failed: {err}");
            }
        }
        let mut work = Vec::with_capacity(events.len());
        self.claim_ready(events, &mut work);
        self.claim_due(&mut work);
        if self.backoff.lock().take_expired() {
            self.listen();
        }
        self.ready.lock().extend(work);
    }

    fn claim_ready(&self, events: &Events, work: &mut Vec<Work<T::Request>>) {
        self.with_core(|core| {
            for event in events.iter() {
                if event.key == LISTENER {
                    self.listening.store(false, Ordering::Release);
                    work.push(Work::Accept);
                } else if let Some(entry) = core.ready(event.key) {
                    work.push(Work::Step(event.key, entry, Wake::Ready));
                }
            }
        })
    }

    fn claim_due(&self, work: &mut Vec<Work<T::Request>>) {
        let due = self.with_core(|core| core.due(Instant::now()));
        work.extend(due.into_iter().map(|(key, entry)| Work::Step(key, entry, Wake::TimedOut)));
    }

    fn perform(&self, work: Work<T::Request>) {
        match work {
            Work::Accept => self.accept_batch(),
            Work::Start(admitted, protocol) if self.dispatch == Dispatch::Blocking => {
                self.concurrency.execute(self.context.job(admitted, Some(protocol)))
            }
            Work::Start(admitted, protocol) => self.start(admitted, protocol),
            Work::Raw(admitted) => {
                if self.shared().counters.queued.fetch_sub(1, Ordering::AcqRel) == self.raw_queue_limit() {
                    self.listen();
                }
                match self.dispatch {
                    Dispatch::Blocking => self.concurrency.execute(self.context.job(admitted, None)),
                    _ => Arc::clone(&self.context).serve(admitted, true),
                }
            }
            Work::Step(key, entry, wake) => self.step(key, entry, wake),
        }
    }
}

impl<T: Transport, H> Drop for Reactor<T, H> {
    fn drop(&mut self) {
        // Entries left in the table or the queue close their sockets as
        // they drop; nothing waits on the poller any more.
        self.stopped.store(true, Ordering::Release);
    }
}
