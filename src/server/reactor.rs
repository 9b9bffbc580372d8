//! The reactor: one poller holding the listener and every waiting
//! connection, a timer heap of their deadlines, and the loop that threads
//! run over them (Leader/Followers).
//!
//! A thread in [`Reactor::run`] takes the next piece of work from the
//! ready queue; when there is none it becomes the leader (the one thread
//! waiting on the poller; the others wait for the leader's lock), polls,
//! claims the connections that are ready or due, queues them and lets
//! the next thread lead before running its own. So a step that blocks
//! for seconds holds one thread, and another polls meanwhile; no request
//! is handed from a polling thread to a worker through a channel.
//! Connections are registered once, edge-triggered, for both directions
//! (no system call per wait): a step reads and writes until the socket
//! would block, so a change of readiness is what wakes it next. Exactly
//! one thread owns a connection at a time: readiness reported while a
//! thread steps it marks it to be stepped again (see [`Table`]).

use super::accept_error::{classify, AcceptError, Backoff};
use super::serve_request::{guarded, Admitted, Context};
use super::table::{Due, Entry, Settled, Table};
use super::timers::Timers;
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
    table: Mutex<Table<T::Request>>,
    timers: Mutex<Timers>,
    ready: Mutex<VecDeque<Work<T::Request>>>,
    /// Held by the thread waiting on the poller.
    lead: Mutex<Events>,
    /// The receive buffer for datagrams.
    scratch: Mutex<Vec<u8>>,
    backoff: Mutex<Backoff>,
    /// Raw requests queued for a thread.
    raw_queued: AtomicUsize,
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
    /// Connections closed by their drain step, having received nothing.
    closed_idle: AtomicUsize,
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
        let table = Mutex::new(Table::new(Arc::clone(&context.shared)));
        Ok(Reactor {
            transport,
            context,
            concurrency,
            dispatch,
            table,
            timers: Mutex::new(Timers::default()),
            ready: Mutex::new(VecDeque::new()),
            lead: Mutex::new(Events::new()),
            scratch: Mutex::new(if T::is_stream() { Vec::new() } else { vec![0; max.saturating_add(1)] }),
            backoff: Mutex::new(Backoff::default()),
            raw_queued: AtomicUsize::new(0),
            listening: AtomicBool::new(false),
            stopped: AtomicBool::new(false),
            busy: AtomicUsize::new(0),
            completed: AtomicUsize::new(0),
            followers: Mutex::new(0),
            follower_wake: Condvar::new(),
            monitor_asleep: AtomicBool::new(false),
            closed_idle: AtomicUsize::new(0),
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

    /// Performs work, counted busy and, once done, as progress; the
    /// first thread to become busy wakes a sleeping monitor.
    fn perform_counted(&self, work: Work<T::Request>) {
        if !matches!(self.dispatch, Dispatch::Loops { .. }) {
            return self.perform(work);
        }
        // SeqCst here and in `monitor`: either the monitor sees this
        // thread busy, or this thread sees it asleep and wakes it.
        self.busy.fetch_add(1, Ordering::SeqCst);
        if self.monitor_asleep.load(Ordering::SeqCst) {
            self.shared().wake_serving();
        }
        self.perform(work);
        self.completed.fetch_add(1, Ordering::Release);
        self.busy.fetch_sub(1, Ordering::SeqCst);
    }

    /// The serving thread's part under [`Dispatch::Loops`]: Go's
    /// `sysmon`. One loop thread leads and runs what it polls (eat what
    /// you kill); the others sleep. While work runs the monitor looks
    /// every [`MONITOR_TICK`]: when nothing has finished since its last
    /// look and nobody polls (the leader is stuck in a long step: a
    /// handler that blocks), it wakes a sleeping thread to lead, or, when
    /// every thread is stuck, polls and accepts itself, so raw
    /// connections are queued or refused by the overload policy. It runs
    /// no handler itself. Runs until `until` holds; with `may_sleep` it
    /// sleeps while no work runs (a loop thread that becomes busy wakes
    /// it).
    pub(crate) fn monitor(&self, until: impl Fn() -> bool, may_sleep: bool) {
        let mut last = self.completed.load(Ordering::Acquire);
        while !until() {
            if may_sleep {
                self.shared().wait_serving(|| {
                    self.monitor_asleep.store(true, Ordering::SeqCst);
                    self.busy.load(Ordering::SeqCst) == 0
                });
                self.monitor_asleep.store(false, Ordering::SeqCst);
            }
            self.shared().wait_serving_for(MONITOR_TICK);
            let now = self.completed.load(Ordering::Acquire);
            if now == last && self.busy.load(Ordering::Acquire) > 0 {
                self.unstick();
            }
            last = now;
        }
    }

    /// Every busy thread has been stuck for a tick: let another lead, or
    /// lead a round itself when none sleeps.
    fn unstick(&self) {
        if *self.followers.lock() > 0 {
            self.follower_wake.notify_one();
            return;
        }
        let Some(mut lead) = self.lead.try_lock() else { return };
        self.poll(&mut lead, Some(Instant::now() + MONITOR_TICK));
        drop(lead);
        let accept = {
            let mut ready = self.ready.lock();
            let before = ready.len();
            ready.retain(|work| !matches!(work, Work::Accept));
            before != ready.len()
        };
        if accept {
            self.accept_batch();
        }
        // A loop thread that found the lead taken meanwhile sleeps: it
        // leads now. One that leads already polls: it takes the work.
        self.wake_follower();
        if !self.ready.lock().is_empty() {
            let _ = self.shared().poller.notify();
        }
    }

    /// Wakes one follower, if one sleeps.
    fn wake_follower(&self) {
        let _followers = self.followers.lock();
        self.follower_wake.notify_one();
    }

    /// Sleeps as a follower while another thread holds the lead, until
    /// the monitor (or the end) wakes it. The lead is checked under the
    /// followers' lock, which whoever gives the lead up without taking
    /// up work (the monitor) takes to wake one, so no wake-up is lost.
    fn follow(&self) {
        let mut followers = self.followers.lock();
        if self.stopped.load(Ordering::Acquire) || !self.lead.is_locked() {
            return;
        }
        *followers += 1;
        self.follower_wake.wait(&mut followers);
        *followers -= 1;
    }

    /// Wakes every follower (the loops end).
    fn stop_followers(&self) {
        let _followers = self.followers.lock();
        self.follower_wake.notify_all();
    }

    /// Takes the next piece of work, leading the poll when there is none.
    fn next(&self, until: &impl Fn() -> bool, cap: Option<Instant>) -> Option<Work<T::Request>> {
        loop {
            if let Some(work) = self.ready.lock().pop_front() {
                return Some(work);
            }
            if self.stopped.load(Ordering::Acquire) || until() {
                return None;
            }
            let Some(mut lead) = self.lead.try_lock() else {
                self.follow();
                continue;
            };
            if let Some(work) = self.ready.lock().pop_front() {
                return Some(work);
            }
            if self.stopped.load(Ordering::Acquire) || until() {
                return None;
            }
            self.poll(&mut lead, cap);
        }
    }

    /// Waits on the poller until something is ready or due, and queues it.
    fn poll(&self, events: &mut Events, cap: Option<Instant>) {
        let cap = match (cap, self.backoff.lock().until()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let timeout = self.timers.lock().start_polling(Instant::now(), cap);
        events.clear();
        let polled = self.shared().poller.wait(events, timeout);
        self.timers.lock().stop_polling();
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
        let mut table = self.table.lock();
        for event in events.iter() {
            if event.key == LISTENER {
                self.listening.store(false, Ordering::Release);
                work.push(Work::Accept);
            } else if let Some(entry) = table.claim(event.key) {
                work.push(Work::Step(event.key, entry, Wake::Ready));
            }
        }
    }

    fn claim_due(&self, work: &mut Vec<Work<T::Request>>) {
        let now = Instant::now();
        let mut table = self.table.lock();
        let mut timers = self.timers.lock();
        while let Some((at, key)) = timers.pop_due(now) {
            match table.due(key, at, now) {
                Due::Fire(entry) => work.push(Work::Step(key, entry, Wake::TimedOut)),
                Due::Later(at) => {
                    timers.push(at, key);
                }
                Due::Nothing => {}
            }
        }
    }

    fn perform(&self, work: Work<T::Request>) {
        match work {
            Work::Accept => self.accept_batch(),
            Work::Start(admitted, protocol) if self.dispatch == Dispatch::Blocking => {
                self.concurrency.execute(self.context.job(admitted, Some(protocol)))
            }
            Work::Start(admitted, protocol) => self.start(admitted, protocol),
            Work::Raw(admitted) => {
                if self.raw_queued.fetch_sub(1, Ordering::AcqRel) == self.raw_queue_limit() {
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

    /// Arms the listener, unless the server stops accepting.
    pub(crate) fn listen(&self) {
        if self.shared().is_shutting_down() || self.listening.swap(true, Ordering::AcqRel) {
            return;
        }
        let armed = self.shared().poller.modify_with_mode(
            &self.transport,
            Event::readable(LISTENER),
            PollMode::Oneshot,
        );
        if let Err(err) = armed {
            log::error!("cannot wait for connections on {}: {err}", self.transport.local_addr());
        }
    }

    /// Accepts until the backlog is empty (at most a batch), admits what
    /// came and queues it.
    fn accept_batch(&self) {
        let mut work = Vec::new();
        let mut rearm = true;
        for _ in 0..ACCEPT_BATCH {
            let accepted =
                self.transport.accept(&mut self.scratch.lock()).map(|incoming| self.attach(incoming));
            match accepted {
                Ok(request) => {
                    self.backoff.lock().reset();
                    work.extend(self.admit(request, self.dispatch != Dispatch::Blocking));
                }
                Err(err) => match classify(&err) {
                    AcceptError::Drained => break,
                    AcceptError::Skip => log::debug!("skipped a failed {} accept: {err}", T::NAME),
                    AcceptError::BackOff => {
                        self.pause(&err);
                        rearm = false;
                        break;
                    }
                },
            }
            if self.shared().is_shutting_down() || self.raw_queue_full() {
                rearm = !self.raw_queue_full();
                break;
            }
        }
        if rearm {
            self.listen();
        }
        self.run_service_actions();
        self.queue(work);
    }

    /// Queues work for the reactor's threads, waking the poller when
    /// others should help.
    fn queue(&self, work: Vec<Work<T::Request>>) {
        let many = work.len() > 1;
        self.ready.lock().extend(work);
        if many && matches!(self.dispatch, Dispatch::Loops { .. }) {
            let _ = self.shared().poller.notify();
        }
    }

    /// The request a handler gets, from what the transport took.
    fn attach(&self, incoming: <T::Request as Request>::Incoming) -> T::Request {
        T::Request::attach(incoming, crate::ServerHandle { shared: Arc::clone(&self.context.shared) })
    }

    fn pause(&self, err: &io::Error) {
        let mut backoff = self.backoff.lock();
        let first = !backoff.is_backing_off();
        let delay = backoff.trip();
        let message =
            format!("cannot accept on {}: {err}; pausing accepts for {delay:?}", self.transport.local_addr());
        if first {
            log::warn!("{message}");
        } else {
            log::debug!("{message}");
        }
        // The thread polling now must wake by the end of the pause.
        let _ = self.shared().poller.notify();
    }

    /// Verifies and admits one request, returning its work (or `None`
    /// when it was refused or dropped). `stepped`: a protocol connection
    /// will be stepped by the reactor rather than run on one thread.
    fn admit(&self, mut request: T::Request, stepped: bool) -> Option<Work<T::Request>> {
        let context = &self.context;
        if !context.hooks.verify_request(request.peer_addr()) {
            log::debug!("verify_request refused {}", request.peer_addr());
            return None;
        }
        if request.is_oversized() {
            context.drop_oversized(request);
            return None;
        }
        let protocol = if T::is_stream() { context.handler.protocol() } else { None };
        let max = context.shared.config.max_connections;
        let stepped = stepped && protocol.is_some();
        let Some(id) = context.shared.tracker.admit(request.raw_fd(), stepped, max) else {
            context.reject(&mut request);
            return None;
        };
        let admitted = Admitted { request, id, shared: Arc::clone(&context.shared) };
        match protocol {
            Some(protocol) => Some(Work::Start(admitted, protocol)),
            None => self.admit_raw(admitted),
        }
    }

    /// A raw request waits for a thread, unless too many already do.
    fn admit_raw(&self, mut admitted: Admitted<T::Request>) -> Option<Work<T::Request>> {
        if let Dispatch::Loops { queue, overload: Overload::Reject, .. } = self.dispatch {
            if self.raw_queued.load(Ordering::Acquire) >= queue.max(1) {
                self.context.reject(&mut admitted.request);
                return None;
            }
        }
        self.raw_queued.fetch_add(1, Ordering::AcqRel);
        Some(Work::Raw(admitted))
    }

    /// The raw requests that may wait before accepting pauses (`Wait`).
    fn raw_queue_limit(&self) -> usize {
        match self.dispatch {
            Dispatch::Loops { queue, overload: Overload::Wait, .. } => queue.max(1),
            _ => usize::MAX,
        }
    }

    fn raw_queue_full(&self) -> bool {
        self.raw_queued.load(Ordering::Acquire) >= self.raw_queue_limit()
    }

    fn run_service_actions(&self) {
        let hooks = &self.context.hooks;
        if let Err(failure) = guarded(|| {
            hooks.service_actions();
            Ok(())
        }) {
            log::error!("service_actions failed: {failure}");
        }
    }

    /// Sets a new connection up and takes its first step.
    fn start(&self, mut admitted: Admitted<T::Request>, protocol: Box<dyn Protocol<T::Request>>) {
        if let Err(failure) = self.context.set_up(&mut admitted.request) {
            return self.context.report(&admitted.request, failure);
        }
        if let Err(err) = admitted.request.set_nonblocking(true) {
            log::debug!("cannot make a connection from {} non-blocking: {err}", admitted.request.peer_addr());
            return self.context.finish(admitted);
        }
        let entry = Box::new(Entry { admitted, protocol });
        let key = self.table.lock().insert();
        let Some(fd) = entry.admitted.request.raw_fd() else {
            return self.close(key, *entry, None);
        };
        // SAFETY: the connection is deleted from the poller in `close`,
        // before its socket closes.
        let added = unsafe { self.shared().poller.add_with_mode(fd, Event::all(key), PollMode::Edge) };
        match added {
            Ok(()) => self.step(key, entry, Wake::Start),
            Err(err) => {
                log::warn!("cannot wait on a connection, closing it: {err}");
                self.table.lock().remove(key);
                self.context.finish(entry.admitted);
            }
        }
    }

    /// Steps a connection, then puts it back to wait or closes it.
    fn step(&self, key: usize, mut entry: Box<Entry<T::Request>>, wake: Wake) {
        let wait = match catch_unwind(AssertUnwindSafe(|| entry.step(wake))) {
            Ok(wait) => wait,
            Err(payload) => return self.close(key, *entry, Some(Failure::from_panic(payload))),
        };
        if wake == Wake::Drain && matches!(wait, Wait::Idle(_) | Wait::Close) {
            self.closed_idle.fetch_add(1, Ordering::AcqRel);
        }
        if wait == Wait::Close {
            return self.close(key, *entry, None);
        }
        let settled = self.table.lock().settle(key, entry, wait);
        match settled {
            Settled::Waiting(deadline) => self.add_timer(key, deadline),
            // To the back of the queue, not again at once: a client that
            // keeps sending while its replies wait (pipelining, never
            // reading) would otherwise hold this thread.
            Settled::Again(back) => self.ready.lock().push_back(Work::Step(key, back, Wake::Ready)),
            Settled::Close(entry) => self.close(key, *entry, None),
        }
    }

    fn add_timer(&self, key: usize, deadline: Option<Instant>) {
        if let Some(at) = deadline {
            if self.timers.lock().push(at, key) {
                let _ = self.shared().poller.notify();
            }
        }
    }

    /// Closes a connection: out of the poller, out of the table, then
    /// `finish` (and `handle_error` for a failure).
    fn close(&self, key: usize, entry: Entry<T::Request>, failure: Option<Failure>) {
        if let Some(fd) = entry.admitted.request.raw_fd() {
            // SAFETY: the entry owns the socket, still open.
            let _ = self.shared().poller.delete(unsafe { BorrowedFd::borrow_raw(fd) });
        }
        self.table.lock().remove(key);
        let Entry { admitted, .. } = entry;
        if let Some(failure) = failure {
            self.context.report(&admitted.request, failure);
        }
        self.context.finish(admitted);
    }

    /// Drain begins: stop accepting; every connection waiting between
    /// requests takes a [`Wake::Drain`] step (it closes, unless a request
    /// has arrived meanwhile; see [`closed_idle`](Self::closed_idle)).
    pub(crate) fn begin_drain(&self) {
        let _ =
            self.shared().poller.modify_with_mode(&self.transport, Event::none(LISTENER), PollMode::Oneshot);
        let idle = {
            let mut table = self.table.lock();
            table.draining = true;
            table.take_waiting(|wait| matches!(wait, Wait::Idle(_)))
        };
        self.queue(idle.into_iter().map(|(key, entry)| Work::Step(key, entry, Wake::Drain)).collect());
        let _ = self.shared().poller.notify();
    }

    /// How many connections the drain closed between requests, with
    /// nothing of a next request received: not in flight.
    pub(crate) fn closed_idle(&self) -> usize {
        self.closed_idle.load(Ordering::Acquire)
    }

    /// The drain deadline passed: close every waiting connection; the
    /// ones being stepped close when their step ends.
    pub(crate) fn cut_off(&self) {
        let left = {
            let mut table = self.table.lock();
            table.cut_off = true;
            table.take_waiting(|_| true)
        };
        for (key, entry) in left {
            self.close(key, *entry, None);
        }
    }

    /// Ends every loop: the leader's poll is woken, the followers too.
    pub(crate) fn stop(&self) {
        self.stopped.store(true, Ordering::Release);
        let _ = self.shared().poller.notify();
        self.stop_followers();
    }

    /// Takes the listener out of the poller (the server is closing).
    pub(crate) fn close_listener(&self) {
        let _ = self.shared().poller.delete(&self.transport);
    }

    /// Serves one request, for `handle_request` (no loop runs): on the
    /// calling thread under [`Dispatch::Serving`], as Python's plain
    /// server does; otherwise as a job for the strategy's threads, which
    /// run a protocol with blocking waits.
    pub(crate) fn serve_one(&self, request: T::Request) {
        let Some(work) = self.admit(request, false) else { return };
        let (admitted, protocol) = match work {
            Work::Start(admitted, protocol) => (admitted, Some(protocol)),
            Work::Raw(admitted) => {
                self.raw_queued.fetch_sub(1, Ordering::AcqRel);
                (admitted, None)
            }
            _ => return,
        };
        match (self.dispatch, protocol) {
            (Dispatch::Serving, Some(protocol)) => {
                Arc::clone(&self.context).serve_blocking(admitted, protocol)
            }
            (Dispatch::Serving, None) => Arc::clone(&self.context).serve(admitted, true),
            (_, protocol) => self.concurrency.execute(self.context.job(admitted, protocol)),
        }
    }

    /// Waits up to `timeout` for the listener to be ready (or the
    /// server to shut down); for `handle_request`, with no loop running.
    pub(crate) fn wait_for_listener(&self, timeout: Option<std::time::Duration>) -> io::Result<()> {
        self.listen();
        let mut events = self.lead.lock();
        events.clear();
        match self.shared().poller.wait(&mut events, timeout) {
            Err(err) if err.kind() != io::ErrorKind::Interrupted => return Err(err),
            _ => {}
        }
        if events.iter().any(|event| event.key == LISTENER) {
            self.listening.store(false, Ordering::Release);
        }
        Ok(())
    }

    /// Accepts one request without blocking (for `handle_request`).
    pub(crate) fn accept_one(&self) -> io::Result<Option<T::Request>> {
        loop {
            match self.transport.accept(&mut self.scratch.lock()) {
                Ok(incoming) => return Ok(Some(self.attach(incoming))),
                Err(err) => match classify(&err) {
                    AcceptError::Drained => return Ok(None),
                    AcceptError::Skip => continue,
                    AcceptError::BackOff => return Err(err),
                },
            }
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
