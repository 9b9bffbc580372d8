//! A connection's state in the reactor, and the server's phase.
//!
//! `docs/reactor.md` draws the diagram. The core keeps, per connection,
//! where it is ([`State`]: waiting in the poller, or out with exactly one
//! thread), what it last waited for (a [`Wait`], from which its place in
//! its life is derived: between requests, reading, writing, lingering)
//! and, during a drain, whether it counts in flight.

use crate::protocol::Wait;
use std::time::Instant;

/// The server's phase, for every connection alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Accepting and serving.
    Serving,
    /// Not accepting; connections between requests close after one drain
    /// step; requests under way run on.
    Draining,
    /// The drain deadline passed: every connection closes.
    CutOff,
}

/// Where a connection is.
#[derive(Debug)]
pub(crate) enum State<E> {
    /// In the poller, waiting for its [`Slot::wait`]; the core owns it.
    Waiting(Box<E>),
    /// Out with one thread: queued for a step or being stepped. `woken`:
    /// readiness came meanwhile, so it is stepped again when it comes
    /// back rather than waiting for an edge that already passed.
    Out { woken: bool },
}

/// One connection as the core sees it.
#[derive(Debug)]
pub(crate) struct Slot<E> {
    pub(crate) state: State<E>,
    /// What it waits for; while out, what it waited for before the step
    /// now running.
    pub(crate) wait: Wait,
    /// Its earliest entry in the timer heap.
    pub(crate) timer_at: Option<Instant>,
    /// During a drain, once decided: whether it counts in flight.
    pub(crate) counted: Option<bool>,
}

impl<E> Slot<E> {
    /// A new connection, out for its first step, nothing received yet.
    pub(crate) fn new() -> Self {
        Slot { state: State::Out { woken: false }, wait: Wait::Idle(None), timer_at: None, counted: None }
    }

    /// Takes the entry if it waits; marks it woken if it is out.
    pub(crate) fn take_or_wake(&mut self) -> Option<Box<E>> {
        match std::mem::replace(&mut self.state, State::Out { woken: true }) {
            State::Waiting(entry) => {
                self.state = State::Out { woken: false };
                Some(entry)
            }
            State::Out { .. } => None,
        }
    }

    /// Takes the entry if it waits; leaves one that is out alone.
    pub(crate) fn take_waiting(&mut self) -> Option<Box<E>> {
        match &self.state {
            State::Waiting(_) => self.take_or_wake(),
            State::Out { .. } => None,
        }
    }

    /// Whether readiness came while it was out; clears the mark.
    pub(crate) fn take_woken(&mut self) -> bool {
        matches!(std::mem::replace(&mut self.state, State::Out { woken: false }), State::Out { woken: true })
    }
}
