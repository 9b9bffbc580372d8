//! The engine's part of one framework-driven connection: its buffers,
//! its clock, flushing with backpressure, and the per-step budget. A
//! protocol on it (the message loop, the HTTP exchange) only parses what
//! is in [`input`](Engine::input) and appends answers to
//! [`out`](Engine::out).

use super::{Clock, Wait};
use crate::request::{non_zero, Filled, ReadBuffer, Source, WriteBuffer};
use crate::{Connection, ServerConfig};
use std::io::{self, Write};
use std::time::{Duration, Instant};

/// Most requests a connection has answered in one step before it yields
/// to the back of the ready queue ([`Wait::Yield`]): a client that
/// pipelines requests (and reads no answers) gets no more of a thread's
/// time per turn than one that sends one at a time, much.
pub(crate) const STEP_BUDGET: u32 = 4;

/// Buffers, clock and budget of one connection.
///
/// Backpressure is the protocols' loop order: everything buffered is
/// flushed before another request is parsed or another byte read, and a
/// flush the socket does not take ends the step with [`Wait::Write`], so
/// a connection whose answers are not being read is not read either.
#[derive(Debug)]
pub(crate) struct Engine {
    /// What the client sent and the protocol has not consumed.
    pub(crate) input: ReadBuffer,
    /// Answers not yet written.
    pub(crate) out: WriteBuffer,
    /// When its waits began.
    pub(crate) clock: Clock,
    /// Requests answered in the step now running.
    spent: u32,
    /// The step now running has read from the socket.
    read: bool,
    /// Its last read brought data and left room unused: the socket had
    /// nothing more then. (Kept here, not in the read buffer, where it
    /// would cost every waiting connection a word.)
    short: bool,
}

/// What a flush did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Flushed {
    /// Everything buffered is on the socket.
    pub(crate) done: bool,
    /// Bytes the socket took in this flush.
    pub(crate) wrote: usize,
}

impl Engine {
    /// The engine of a connection opened now, its input buffer holding
    /// up to `limit` bytes.
    pub(crate) fn new(limit: usize) -> Engine {
        Engine {
            input: ReadBuffer::new(limit),
            out: WriteBuffer::default(),
            clock: Clock::new(Instant::now()),
            spent: 0,
            read: false,
            short: false,
        }
    }

    /// A step begins: its budget is whole again.
    pub(crate) fn begin_step(&mut self) {
        self.spent = 0;
        self.read = false;
    }

    /// A request was answered: the budget shrinks, and the idle clock
    /// restarts (and the next request's, if its bytes are buffered).
    pub(crate) fn answered(&mut self) {
        self.spent += 1;
        self.clock.answered(Instant::now(), self.input.len() > 0);
    }

    /// Whether the step may wait for the next request in the poller
    /// without one more read: it has answered, nothing is buffered, and
    /// its last read, in this step, left the socket empty (so bytes that
    /// come later bring a readiness edge; an edge an earlier wake-up
    /// consumed is not waited for again). Saves the read that would only find
    /// `WouldBlock`, one system call per request. Not over TLS, where a
    /// short read of plaintext says nothing of the socket; a read served
    /// from bytes a `setup` left buffered may delay (not lose) a request
    /// pipelined behind them until the idle deadline's last read.
    pub(crate) fn may_wait_unread(&self, conn: &Connection) -> bool {
        self.spent > 0 && self.read && self.short && self.input.len() == 0 && is_plain(conn)
    }

    /// Requests answered in the step now running.
    pub(crate) fn answered_in_step(&self) -> u32 {
        self.spent
    }

    /// Whether the step has used its budget.
    pub(crate) fn exhausted(&self) -> bool {
        self.spent >= STEP_BUDGET
    }

    /// Reads what the socket has now (one read), noting when bytes came.
    pub(crate) fn fill(&mut self, conn: &mut dyn Source) -> io::Result<Option<Filled>> {
        self.read = true;
        let filled = self.input.fill_now(conn)?;
        self.short = filled == Some(Filled::Data) && self.input.has_room();
        if filled == Some(Filled::Data) {
            self.clock.arrived(Instant::now());
        }
        Ok(filled)
    }

    /// Writes what is buffered until done or the socket would block.
    /// Reads the clock only when bytes went out or the socket blocked,
    /// not for the empty flush at the top of every turn of a protocol's
    /// loop.
    pub(crate) fn flush(&mut self, conn: &mut impl Write) -> io::Result<Flushed> {
        let before = self.out.len();
        let done = self.out.write_to(conn)?;
        let wrote = before - self.out.len();
        match (done, wrote) {
            (true, 0) => self.clock.flushed(None),
            (true, _) => self.clock.flushed(Some(Instant::now())),
            (false, _) => self.clock.blocked(Instant::now(), wrote > 0),
        }
        Ok(Flushed { done, wrote })
    }

    /// The wait for room to write, with the write deadline.
    pub(crate) fn write_wait(&self, config: &ServerConfig) -> Wait {
        Wait::Write(self.clock.write_deadline(Instant::now(), non_zero(config.write_timeout)))
    }

    /// The wait between requests, with the idle deadline; the empty
    /// input buffer is given back.
    pub(crate) fn idle_wait(&mut self, config: &ServerConfig) -> Wait {
        self.input.release_if_empty();
        self.clock.nothing_pending();
        Wait::Idle(self.clock.idle_deadline(non_zero(config.idle_timeout)))
    }

    /// Whether the connection has waited between requests past
    /// `idle_timeout`: a request that came just as the deadline passed
    /// (one last read finds its bytes) is served instead.
    pub(crate) fn idle_expired(&mut self, conn: &mut dyn Source, idle_timeout: Duration) -> bool {
        if !self.clock.idle_expired(Instant::now(), non_zero(idle_timeout)) {
            return false;
        }
        !matches!(self.fill(conn), Ok(Some(Filled::Data)))
    }

    /// Whether the client has left the output unread past `write_timeout`.
    pub(crate) fn write_expired(&self, config: &ServerConfig) -> bool {
        self.clock.write_expired(Instant::now(), non_zero(config.write_timeout))
    }

    /// Whether output waits for the client.
    pub(crate) fn writing(&self) -> bool {
        !self.out.is_empty() || self.clock.write_stalled()
    }
}

/// Whether the connection's bytes are the socket's own (not TLS).
#[cfg(feature = "tls")]
fn is_plain(conn: &Connection) -> bool {
    !matches!(conn.stream(), crate::request::Stream::Tls(_))
}

#[cfg(not(feature = "tls"))]
fn is_plain(_: &Connection) -> bool {
    true
}

/// The earlier of two optional deadlines; `None` only when both are.
pub(crate) fn earliest(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
