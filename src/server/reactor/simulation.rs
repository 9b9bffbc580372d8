//! The engine under simulation: the reactor's [`Core`] driven by
//! generated schedules, with a fake poller, a fake clock, fake sockets and
//! several fake worker threads, its invariants checked after every event.
//!
//! The harness does what the reactor's shell (`connections.rs`, `mod.rs`)
//! does with the core's answers: a ready queue, a queue of yielded
//! connections run after the next poll, steps that begin on one worker
//! and settle later (so readiness can arrive in between), panics, the
//! drain, the cut-off. The protocol is a line protocol with the
//! framework's contract: a per-step budget, backpressure (no read while
//! answers wait), deadlines, and, on some connections, the "lazy"
//! keep-alive wait (after answering, wait in the poller without one more
//! read, which the edge-triggered contract allows only when the last read
//! emptied the socket), and, on some connections, the drain's grace
//! between requests (HTTP's: once the server drains, an idle connection
//! waits `Wait::Linger` until its grace ends instead of closing at once,
//! and answers what comes meanwhile).
//!
//! Checked after every event: a connection is in exactly one place (held
//! by the core, or by one queue entry or one worker: never stepped by two
//! threads); the core's count of waiting connections is exact; no
//! deadline fires early; no connection closes twice; a connection the
//! drain closes between requests has nothing of a request left unread; a
//! graceful connection is never closed idle (only at its grace's end).
//! At the end of each schedule (drain, then everything run to its end):
//! every connection ended exactly once, and the drain's in-flight count
//! equals the truth the model kept (a request under way when the drain
//! began, or bytes that arrived before the connection's first step after
//! it).
//!
//! `SIM_SEED=<n>` replays a run; `SIM_CASES=<n>` sets how many schedules
//! (default 3000). A failing case prints its seed and its schedule.

use super::core::{Core, Settled};
use crate::protocol::{Wait, Wake};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use std::collections::{HashSet, VecDeque};
use std::time::{Duration, Instant};

/// Requests a fake step answers before it yields.
const BUDGET: usize = 3;
/// Most bytes one fake read takes.
const CHUNK: usize = 4;
/// Room in a fake socket's send buffer, in bytes (an answer is 3).
const ROOM: usize = 7;
const IDLE_MS: u64 = 500;
const READ_MS: u64 = 300;
const WRITE_MS: u64 = 200;
/// The drain's grace between requests of a graceful connection.
const GRACE_MS: u64 = 100;
const WORKERS: usize = 3;

/// One event of a schedule.
#[derive(Debug, Clone)]
enum Op {
    Connect { lazy: bool, graceful: bool },
    Send { conn: usize, bytes: Vec<u8> },
    ClientReads { conn: usize },
    ClientCloses { conn: usize },
    Poll,
    Take { worker: usize },
    Run { worker: usize },
    Settle { worker: usize },
    Panic { worker: usize },
    Advance { ms: u64 },
    Drain,
    CutOff,
}

fn op() -> impl Strategy<Value = Op> {
    let bytes = prop::collection::vec(prop_oneof![3 => Just(b'a'), 1 => Just(b'\n')], 1..12);
    prop_oneof![
        2 => (any::<bool>(), any::<bool>()).prop_map(|(lazy, graceful)| Op::Connect { lazy, graceful }),
        6 => (0..8usize, bytes).prop_map(|(conn, bytes)| Op::Send { conn, bytes }),
        3 => (0..8usize).prop_map(|conn| Op::ClientReads { conn }),
        1 => (0..8usize).prop_map(|conn| Op::ClientCloses { conn }),
        5 => Just(Op::Poll),
        6 => (0..WORKERS).prop_map(|worker| Op::Take { worker }),
        6 => (0..WORKERS).prop_map(|worker| Op::Run { worker }),
        6 => (0..WORKERS).prop_map(|worker| Op::Settle { worker }),
        1 => (0..WORKERS).prop_map(|worker| Op::Panic { worker }),
        3 => prop_oneof![Just(1u64), Just(50), Just(250), Just(600)].prop_map(|ms| Op::Advance { ms }),
        1 => Just(Op::Drain),
        1 => Just(Op::CutOff),
    ]
}

/// The client's side and the socket between.
#[derive(Debug, Default)]
struct Socket {
    /// Sent by the client, not yet read by the server.
    inbound: VecDeque<u8>,
    /// The client closed its side (after `inbound`).
    client_closed: bool,
    /// Room left for answers the client has not read.
    room: usize,
    /// Of `inbound`, the bytes that arrived before the drain began.
    before_drain: usize,
    /// Answer bytes the client got.
    delivered: usize,
}

/// The fake protocol: lines in, a 3-byte answer per line out.
#[derive(Debug)]
struct Proto {
    id: usize,
    lazy: bool,
    /// Waits out the drain's grace between requests (`Wait::Linger`).
    graceful: bool,
    /// The end of that grace, once the drain began.
    grace: Option<u64>,
    buf: Vec<u8>,
    out: usize,
    eof: bool,
    idle_since: u64,
    began: Option<u64>,
    write_since: Option<u64>,
}

/// What a fake step did.
#[derive(Debug)]
struct Ran {
    wait: Wait,
    received: bool,
    /// A request was under way (or the connection was queued work,
    /// having yielded) when the step began.
    before: bool,
    /// Bytes left unread in the socket when the step ended (bytes that
    /// come after it, before it settles, are the client's race with a
    /// close, as in any server).
    left: usize,
}

/// Where a piece of work stands on a worker.
#[derive(Debug)]
enum Held {
    Queued(usize, Box<Proto>, Wake),
    Ran(usize, Box<Proto>, Wake, Ran),
}

#[derive(Debug)]
struct Model {
    t0: Instant,
    now: u64,
    core: Core<Proto>,
    sockets: Vec<Socket>,
    /// Keys of connections still open, by connection id.
    keys: Vec<Option<usize>>,
    closed: HashSet<usize>,
    /// Readiness edges not yet seen by a poll.
    events: Vec<usize>,
    ready: VecDeque<(usize, Box<Proto>, Wake)>,
    yielded: VecDeque<(usize, Box<Proto>, Wake)>,
    workers: Vec<Option<Held>>,
    /// What each connection last waited for, as the protocol said.
    waits: Vec<Wait>,
    draining: bool,
    /// The drain's deadline passed: everything closes.
    cut: bool,
    /// The truth: connections in flight for the drain, decided.
    truth: Vec<Option<bool>>,
}

impl Model {
    fn new() -> Model {
        Model {
            t0: Instant::now(),
            now: 0,
            core: Core::default(),
            sockets: Vec::new(),
            keys: Vec::new(),
            closed: HashSet::new(),
            events: Vec::new(),
            ready: VecDeque::new(),
            yielded: VecDeque::new(),
            workers: (0..WORKERS).map(|_| None).collect(),
            waits: Vec::new(),
            draining: false,
            cut: false,
            truth: Vec::new(),
        }
    }

    fn at(&self, ms: u64) -> Instant {
        self.t0 + Duration::from_millis(ms)
    }

    fn apply(&mut self, op: &Op) -> Result<(), TestCaseError> {
        match op {
            Op::Connect { lazy, graceful } => self.connect(*lazy, *graceful),
            Op::Send { conn, bytes } => self.with_open(*conn, |m, id, key| {
                if !m.sockets[id].client_closed {
                    m.sockets[id].inbound.extend(bytes);
                    m.events.push(key);
                }
            }),
            Op::ClientReads { conn } => self.with_open(*conn, |m, id, key| {
                m.sockets[id].room = ROOM;
                m.events.push(key);
            }),
            Op::ClientCloses { conn } => self.with_open(*conn, |m, id, key| {
                m.sockets[id].client_closed = true;
                m.events.push(key);
            }),
            Op::Poll => self.poll()?,
            Op::Take { worker } => {
                if self.workers[*worker].is_none() {
                    if let Some((key, entry, wake)) = self.ready.pop_front() {
                        self.workers[*worker] = Some(Held::Queued(key, entry, wake));
                    }
                }
            }
            Op::Run { worker } => self.run(*worker),
            Op::Settle { worker } => self.settle(*worker)?,
            Op::Panic { worker } => self.panic(*worker)?,
            Op::Advance { ms } => self.now += ms,
            Op::Drain => self.drain(),
            Op::CutOff => self.cut_off()?,
        }
        self.check()
    }

    fn with_open(&mut self, conn: usize, f: impl FnOnce(&mut Model, usize, usize)) {
        if self.keys.is_empty() {
            return;
        }
        let id = conn % self.keys.len();
        if let Some(key) = self.keys[id] {
            f(self, id, key);
        }
    }

    fn connect(&mut self, lazy: bool, graceful: bool) {
        if self.draining {
            return;
        }
        let id = self.sockets.len();
        self.sockets.push(Socket { room: ROOM, ..Socket::default() });
        let key = self.core.insert();
        self.keys.push(Some(key));
        self.waits.push(Wait::Idle(None));
        self.truth.push(None);
        let proto = Proto {
            id,
            lazy,
            graceful,
            grace: None,
            buf: Vec::new(),
            out: 0,
            eof: false,
            idle_since: self.now,
            began: None,
            write_since: None,
        };
        self.ready.push_back((key, Box::new(proto), Wake::Start));
    }

    /// What a poll does: readiness edges, then deadlines, then the work
    /// that yielded.
    fn poll(&mut self) -> Result<(), TestCaseError> {
        for key in std::mem::take(&mut self.events) {
            if let Some(entry) = self.core.ready(key) {
                self.ready.push_back((key, entry, Wake::Ready));
            }
        }
        let now = self.at(self.now);
        for (key, entry) in self.core.due(now) {
            let deadline = self.waits[entry.id].deadline();
            prop_assert!(
                deadline.is_some_and(|at| at <= now),
                "connection {} fired at {} ms before its deadline {:?}",
                entry.id,
                self.now,
                deadline.map(|at| at - self.t0)
            );
            self.ready.push_back((key, entry, Wake::TimedOut));
        }
        self.ready.append(&mut self.yielded);
        Ok(())
    }

    /// Takes what a worker holds if its step has run (`ran`) or not.
    fn take_held(&mut self, worker: usize, ran: bool) -> Option<Held> {
        match &self.workers[worker] {
            Some(Held::Ran(..)) if ran => self.workers[worker].take(),
            Some(Held::Queued(..)) if !ran => self.workers[worker].take(),
            _ => None,
        }
    }

    fn run(&mut self, worker: usize) {
        if let Some(Held::Queued(key, mut entry, wake)) = self.take_held(worker, false) {
            let ran = self.step(&mut entry, wake);
            self.workers[worker] = Some(Held::Ran(key, entry, wake, ran));
        }
    }

    /// The fake protocol's step. The first after the drain began decides
    /// the truth: bytes arrived before it, or a request under way.
    fn step(&mut self, proto: &mut Proto, wake: Wake) -> Ran {
        let id = proto.id;
        let before = self.has_request(id, proto) || self.waits[id] == Wait::Yield;
        let (wait, received) = self.step_inner(proto, wake);
        if self.draining && self.truth[id].is_none() {
            self.truth[id] = Some(before || received);
        }
        Ran { wait, received, before, left: self.sockets[id].inbound.len() }
    }

    fn step_inner(&mut self, proto: &mut Proto, wake: Wake) -> (Wait, bool) {
        let now = self.now;
        let mut received = false;
        if wake == Wake::TimedOut {
            let wait = self.waits[proto.id];
            // A request that came as the idle deadline passed is served.
            let came = matches!(wait, Wait::Idle(_)) && !self.sockets[proto.id].inbound.is_empty();
            if wait.deadline().is_some_and(|at| self.at(now) >= at) && !came {
                return (Wait::Close, false);
            }
        }
        let mut spent = 0;
        let mut answered = false;
        // Whether the last read left the socket empty: only then may a
        // lazy step wait for the next edge instead of reading again.
        let mut emptied = false;
        loop {
            let socket = &mut self.sockets[proto.id];
            let wrote = proto.out.min(socket.room);
            proto.out -= wrote;
            socket.room -= wrote;
            socket.delivered += wrote;
            if proto.out > 0 {
                let since = if wrote > 0 { now } else { *proto.write_since.get_or_insert(now) };
                proto.write_since = Some(since);
                return (Wait::Write(Some(self.at(since + WRITE_MS))), received);
            }
            proto.write_since = None;
            if proto.eof {
                return (Wait::Close, received);
            }
            while spent < BUDGET {
                let Some(end) = proto.buf.iter().position(|b| *b == b'\n') else { break };
                proto.buf.drain(..=end);
                proto.out += 3;
                spent += 1;
                answered = true;
                proto.idle_since = now;
                proto.began = (!proto.buf.is_empty()).then_some(now);
            }
            if proto.out > 0 {
                continue;
            }
            if spent >= BUDGET {
                return (Wait::Yield, received);
            }
            if proto.lazy && answered && emptied && proto.buf.is_empty() {
                return (self.idle(proto), received);
            }
            let socket = &mut self.sockets[proto.id];
            let n = socket.inbound.len().min(CHUNK);
            if n == 0 {
                if socket.client_closed {
                    proto.eof = true;
                    continue;
                }
                return match proto.began {
                    None => (self.idle(proto), received),
                    Some(began) => (Wait::Read(Some(self.at(began + READ_MS))), received),
                };
            }
            proto.buf.extend(socket.inbound.drain(..n));
            socket.before_drain = socket.before_drain.saturating_sub(n);
            emptied = socket.inbound.is_empty();
            proto.began.get_or_insert(now);
            received = true;
        }
    }

    /// The wait between requests: idle, or in a drain, for a graceful
    /// connection, the linger until its grace ends.
    fn idle(&self, proto: &mut Proto) -> Wait {
        if self.draining && proto.graceful {
            let until = *proto.grace.get_or_insert(self.now + GRACE_MS);
            return Wait::Linger(self.at(until));
        }
        Wait::Idle(Some(self.at(proto.idle_since + IDLE_MS)))
    }

    /// Whether a request is under way on a connection: bytes of it sent
    /// or buffered, or answers not yet written.
    fn has_request(&self, id: usize, proto: &Proto) -> bool {
        !self.sockets[id].inbound.is_empty() || !proto.buf.is_empty() || proto.out > 0
    }

    fn settle(&mut self, worker: usize) -> Result<(), TestCaseError> {
        let Some(Held::Ran(key, entry, wake, ran)) = self.take_held(worker, true) else {
            return Ok(());
        };
        self.hand_back(key, entry, wake, ran)
    }

    /// What the reactor's shell does with a finished step.
    fn hand_back(
        &mut self,
        key: usize,
        entry: Box<Proto>,
        wake: Wake,
        ran: Ran,
    ) -> Result<(), TestCaseError> {
        let id = entry.id;
        self.waits[id] = ran.wait;
        // Bytes that came before the drain, or that the step left unread,
        // or a request begun: closing it idle would drop a request.
        let socket = &self.sockets[id];
        let had_request = socket.before_drain > 0 || ran.left > 0 || !entry.buf.is_empty() || entry.out > 0;
        match self.core.settle(key, entry, wake, ran.received, ran.wait) {
            Settled::Waiting(_) => {}
            Settled::Again(entry, wake) => self.ready.push_back((key, entry, wake)),
            Settled::Yielded(entry) => self.yielded.push_back((key, entry, Wake::Ready)),
            Settled::Close(entry) => {
                if matches!(ran.wait, Wait::Idle(_)) && !self.cut {
                    prop_assert!(!had_request, "connection {id} closed idle with a request unread");
                    prop_assert!(!entry.graceful, "graceful connection {id} closed idle before its grace");
                }
                self.close(key, entry.id)?;
            }
        }
        Ok(())
    }

    /// A step that reads what has come and panics in the handler: the
    /// reactor settles it as closing.
    fn panic(&mut self, worker: usize) -> Result<(), TestCaseError> {
        let Some(Held::Queued(key, entry, wake)) = self.take_held(worker, false) else { return Ok(()) };
        let id = entry.id;
        let before = self.has_request(id, &entry) || self.waits[id] == Wait::Yield;
        let received = !self.sockets[id].inbound.is_empty();
        self.sockets[id].inbound.clear();
        self.sockets[id].before_drain = 0;
        if self.draining && self.truth[id].is_none() {
            self.truth[id] = Some(before || received);
        }
        self.hand_back(key, entry, wake, Ran { wait: Wait::Close, received, before, left: 0 })
    }

    /// The drain deadline passed: the core gives up every waiting
    /// connection; the others close when they settle.
    fn cut_off(&mut self) -> Result<(), TestCaseError> {
        if !self.draining {
            return Ok(());
        }
        self.cut = true;
        for (key, entry) in self.core.cut_off() {
            self.close(key, entry.id)?;
        }
        Ok(())
    }

    fn close(&mut self, key: usize, id: usize) -> Result<(), TestCaseError> {
        prop_assert!(self.closed.insert(id), "connection {id} closed twice");
        if self.draining && self.truth[id].is_none() {
            self.truth[id] = Some(self.waits[id].in_request());
        }
        self.core.remove(key);
        self.keys[id] = None;
        Ok(())
    }

    fn drain(&mut self) {
        if self.draining {
            return;
        }
        self.draining = true;
        for socket in &mut self.sockets {
            socket.before_drain = socket.inbound.len();
        }
        // Connections waiting in the core: in flight if a request is under
        // way; the others are decided by their next step. A step running
        // now is decided by what it found and read.
        for id in 0..self.keys.len() {
            let Some(key) = self.keys[id] else { continue };
            if let Some((_, Some(proto))) = self.core.inspect(key) {
                if self.has_request(id, proto) {
                    self.truth[id] = Some(true);
                }
            }
        }
        for held in self.workers.iter().flatten() {
            if let Held::Ran(_, entry, _, ran) = held {
                self.truth[entry.id] = Some(ran.before || ran.received);
            }
        }
        for (key, entry) in self.core.begin_drain() {
            self.ready.push_back((key, entry, Wake::Drain));
        }
    }

    /// The invariants that hold after every event.
    fn check(&self) -> Result<(), TestCaseError> {
        let mut places = vec![0usize; self.keys.len()];
        let queued = self.ready.iter().chain(self.yielded.iter()).map(|(_, e, _)| e.id);
        let held = self.workers.iter().flatten().map(|held| match held {
            Held::Queued(_, e, _) | Held::Ran(_, e, _, _) => e.id,
        });
        for id in queued.chain(held) {
            places[id] += 1;
        }
        let mut waiting = 0;
        for (id, key) in self.keys.iter().enumerate() {
            let Some(key) = key else {
                prop_assert_eq!(places[id], 0, "closed connection {} still held", id);
                continue;
            };
            let (_, held) = self.core.inspect(*key).expect("an open connection is in the core");
            let out = held.is_none();
            waiting += usize::from(!out);
            prop_assert_eq!(places[id], usize::from(out), "connection {} held in {} places", id, places[id]);
        }
        prop_assert_eq!(self.core.waiting(), waiting);
        prop_assert_eq!(self.core.len(), self.keys.iter().flatten().count());
        Ok(())
    }

    /// Drains and runs everything to its end, the clock moving on when
    /// nothing is ready; then the end-of-schedule invariants.
    fn finish(&mut self) -> Result<(), TestCaseError> {
        self.drain();
        for round in 0..10_000 {
            for worker in 0..WORKERS {
                self.settle(worker)?;
                self.run(worker);
                self.settle(worker)?;
            }
            self.poll()?;
            if let Some((key, entry, wake)) = self.ready.pop_front() {
                self.workers[0] = Some(Held::Queued(key, entry, wake));
                self.check()?;
                continue;
            }
            if self.core.len() == 0 {
                break;
            }
            // Clients read their answers; time passes.
            for socket in &mut self.sockets {
                socket.room = ROOM;
            }
            self.events.extend(self.keys.iter().flatten());
            self.now += if round % 2 == 0 { 1 } else { 100 };
            self.check()?;
        }
        prop_assert_eq!(self.core.len(), 0, "connections left open");
        prop_assert_eq!(self.closed.len(), self.keys.len(), "not every connection ended");
        let truth = self.truth.iter().filter(|t| **t == Some(true)).count();
        prop_assert_eq!(self.core.in_flight(), truth, "in flight: core against truth {:?}", self.truth);
        Ok(())
    }
}

/// The seed of this run: `SIM_SEED`, or one from the clock.
fn seed() -> u64 {
    std::env::var("SIM_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
    })
}

fn runner(seed: u64) -> TestRunner {
    let cases = std::env::var("SIM_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(3000);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config { cases, failure_persistence: None, ..Config::default() };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

#[test]
fn engine_simulation_keeps_its_invariants_under_generated_schedules() {
    let seed = seed();
    let started = Instant::now();
    let result = runner(seed).run(&prop::collection::vec(op(), 1..160), |ops| {
        let mut model = Model::new();
        for op in &ops {
            model.apply(op)?;
        }
        model.finish()
    });
    if let Err(err) = result {
        panic!("engine simulation failed; replay with SIM_SEED={seed}:\n{err}");
    }
    eprintln!("engine simulation: seed {seed}, {:?}", started.elapsed());
}
