//! The reactor's decisions, without I/O: which connection waits, which
//! a thread holds, which deadline is due, what a drain does to each, and
//! how many requests it found in flight.
//!
//! The [`Reactor`](super::Reactor) is a thin shell over a `Core` behind
//! one lock: it feeds it what the poller and the clock report and runs
//! the steps the core hands out. Nothing here reads a socket or the
//! clock (every `now` is given), so `tests/engine_simulation.rs` drives
//! the same code with a fake poller, a fake clock and generated
//! schedules, and checks its invariants after every event.

use super::state::{Phase, Slot, State};
use super::timers::Timers;
use crate::protocol::{counts_in_flight, Wait, Wake};
use slab::Slab;
use std::time::{Duration, Instant};

/// What became of a stepped connection handed back to the core.
#[derive(Debug)]
pub(crate) enum Settled<E> {
    /// It waits in the poller; `true` when the thread polling now sleeps
    /// past its deadline and must be woken.
    Waiting(bool),
    /// Step it again, behind the work ready now: readiness came while it
    /// was stepped, or the server drains and it needs its drain step.
    Again(Box<E>, Wake),
    /// It used its step's budget: step it again once everything ready
    /// now, and whatever a poll finds, has had its turn.
    Yielded(Box<E>),
    /// Close it (and then [`remove`](Core::remove) it).
    Close(Box<E>),
}

/// Every connection of a reactor by key, the timer heap of their
/// deadlines, and the server's phase (serving, draining, cut off).
///
/// A connection is in exactly one place: waiting here (the core owns
/// its entry), or out with one thread (queued or being stepped: the
/// thread owns the entry, a `Box` handed out once). It comes back
/// through [`settle`](Self::settle) and leaves through
/// [`remove`](Self::remove), once.
#[derive(Debug)]
pub(crate) struct Core<E> {
    slots: Slab<Slot<E>>,
    timers: Timers,
    phase: Phase,
    /// How many connections wait in the poller now.
    waiting: usize,
    /// Connections the drain decided were in flight (a request under way
    /// when it began, or whose first byte came before they closed).
    counted: usize,
}

impl<E> Default for Core<E> {
    fn default() -> Self {
        Core { slots: Slab::new(), timers: Timers::default(), phase: Phase::Serving, waiting: 0, counted: 0 }
    }
}

impl<E> Core<E> {
    /// A key for a new connection, out with the caller for its first
    /// step. Nothing of a request has arrived yet, as far as the core
    /// knows.
    pub(crate) fn insert(&mut self) -> usize {
        self.slots.insert(Slot::new())
    }

    /// How many connections wait in the poller.
    pub(crate) fn waiting(&self) -> usize {
        self.waiting
    }

    /// How many connections the core holds, waiting or out.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    /// The poller reported `key` ready: take it if it waits; if a thread
    /// has it, mark it to be stepped again when it comes back.
    pub(crate) fn ready(&mut self, key: usize) -> Option<Box<E>> {
        let slot = self.slots.get_mut(key)?;
        let entry = slot.take_or_wake();
        self.waiting -= usize::from(entry.is_some());
        entry
    }

    /// The connections whose deadline passed at `now`, taken to be
    /// stepped with [`Wake::TimedOut`]. None before its deadline.
    pub(crate) fn due(&mut self, now: Instant) -> Vec<(usize, Box<E>)> {
        let mut fired = Vec::new();
        while let Some((at, key)) = self.timers.pop_due(now) {
            let Some(slot) = self.slots.get_mut(key) else { continue };
            if slot.timer_at != Some(at) {
                continue;
            }
            slot.timer_at = None;
            match (slot.wait.deadline(), &slot.state) {
                (Some(deadline), State::Waiting(_)) if deadline <= now => {
                    fired.push((key, slot.take_or_wake().expect("waiting")));
                    self.waiting -= 1;
                }
                (Some(deadline), State::Waiting(_)) => {
                    slot.timer_at = Some(deadline);
                    self.timers.push(deadline, key);
                }
                _ => {}
            }
        }
        fired
    }

    /// A thread finished a step of `key` (woken for `wake`) that ended
    /// waiting for `wait`; `received` says whether bytes came from the
    /// client during it. Decides where the connection goes next.
    pub(crate) fn settle(
        &mut self,
        key: usize,
        entry: Box<E>,
        wake: Wake,
        received: bool,
        wait: Wait,
    ) -> Settled<E> {
        let slot = &mut self.slots[key];
        if self.phase != Phase::Serving && slot.counted.is_none() {
            let counted = counts_in_flight(slot.wait, received, wait);
            slot.counted = Some(counted);
            self.counted += usize::from(counted);
        }
        slot.wait = wait;
        let woken = slot.take_woken();
        match (self.phase, wait) {
            (_, Wait::Close) | (Phase::CutOff, _) => Settled::Close(entry),
            // Bytes that came during a drain step are read by another.
            (Phase::Draining, Wait::Idle(_)) if wake == Wake::Drain && !woken => Settled::Close(entry),
            // A step that ends idle need not have read until the socket
            // was empty: only a drain step may close it, after reading.
            (Phase::Draining, Wait::Idle(_)) => Settled::Again(entry, Wake::Drain),
            (_, Wait::Yield) => Settled::Yielded(entry),
            _ if woken => Settled::Again(entry, Wake::Ready),
            _ => Settled::Waiting(self.wait_again(key, entry)),
        }
    }

    /// Puts a connection back to wait; `true` when the poller must wake
    /// for its deadline.
    fn wait_again(&mut self, key: usize, entry: Box<E>) -> bool {
        let slot = &mut self.slots[key];
        slot.state = State::Waiting(entry);
        self.waiting += 1;
        let Some(at) = slot.wait.deadline() else { return false };
        if slot.timer_at.is_some_and(|timer| timer <= at) {
            // The heap holds an earlier entry: when it comes due it is
            // checked against this deadline and moved (see `due`).
            return false;
        }
        slot.timer_at = Some(at);
        self.timers.push(at, key)
    }

    /// Forgets a closed connection (its entry was out, or taken by
    /// [`cut_off`](Self::cut_off)). A drain that had not decided about it
    /// counts it by what it waited for.
    pub(crate) fn remove(&mut self, key: usize) {
        let Some(slot) = self.slots.try_remove(key) else { return };
        if self.phase != Phase::Serving && slot.counted.is_none() && slot.wait.in_request() {
            self.counted += 1;
        }
        if matches!(slot.state, State::Waiting(_)) {
            self.waiting -= 1;
        }
    }

    /// The drain begins: every connection between requests is taken for
    /// one [`Wake::Drain`] step (it reads what may have come, serves it,
    /// and closes); the ones with a request under way count in flight and
    /// run on. Connections out with a thread are decided when they settle.
    pub(crate) fn begin_drain(&mut self) -> Vec<(usize, Box<E>)> {
        if self.phase != Phase::Serving {
            return Vec::new();
        }
        self.phase = Phase::Draining;
        let mut idle = Vec::new();
        for (key, slot) in self.slots.iter_mut() {
            if !matches!(slot.state, State::Waiting(_)) {
                continue;
            }
            match slot.wait {
                Wait::Idle(_) => {
                    idle.push((key, slot.take_or_wake().expect("waiting")));
                    self.waiting -= 1;
                }
                wait => {
                    slot.counted = Some(wait.in_request());
                    self.counted += usize::from(wait.in_request());
                }
            }
        }
        idle
    }

    /// The drain deadline passed: every waiting connection is taken to
    /// be closed; those out with a thread close when they settle.
    pub(crate) fn cut_off(&mut self) -> Vec<(usize, Box<E>)> {
        self.phase = Phase::CutOff;
        let mut left = Vec::new();
        for (key, slot) in self.slots.iter_mut() {
            if let Some(entry) = slot.take_waiting() {
                left.push((key, entry));
            }
        }
        self.waiting -= left.len();
        left
    }

    /// Requests in flight when the drain began, as far as decided: those
    /// counted, and every connection still out with a thread and not yet
    /// decided (a step running past the drain's deadline is a request).
    pub(crate) fn in_flight(&self) -> usize {
        let undecided = self.slots.iter().filter(|(_, slot)| slot.counted.is_none()).count();
        self.counted + if self.phase == Phase::Serving { 0 } else { undecided }
    }

    /// Of those, the ones still open: what a cut-off now ends.
    pub(crate) fn open_in_flight(&self) -> usize {
        if self.phase == Phase::Serving {
            return 0;
        }
        self.slots.iter().filter(|(_, slot)| slot.counted != Some(false)).count()
    }

    /// A thread is about to poll: how long it may sleep, at most until
    /// `cap`.
    pub(crate) fn start_polling(&mut self, now: Instant, cap: Option<Instant>) -> Option<Duration> {
        self.timers.start_polling(now, cap)
    }

    /// The polling thread is back.
    pub(crate) fn stop_polling(&mut self) {
        self.timers.stop_polling()
    }

    /// What a connection waits for now, and its entry if the core holds
    /// it (`None`: out with a thread). For the simulation's checks.
    #[cfg(test)]
    pub(crate) fn inspect(&self, key: usize) -> Option<(Wait, Option<&E>)> {
        let slot = self.slots.get(key)?;
        let held = match &slot.state {
            State::Waiting(entry) => Some(&**entry),
            State::Out { .. } => None,
        };
        Some((slot.wait, held))
    }
}
