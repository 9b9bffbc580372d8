//! The connections a reactor holds: each waiting in the poller or being
//! stepped by exactly one thread.

use super::serve_request::Admitted;
use super::shared::Shared;
use crate::protocol::{Protocol, Wait, Wake};
use slab::Slab;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

/// One connection and the protocol driving it.
pub(crate) struct Entry<R> {
    pub(crate) admitted: Admitted<R>,
    pub(crate) protocol: Box<dyn Protocol<R>>,
    /// `setup` has run (so `finish` will): false while a PROXY header is
    /// awaited.
    pub(crate) set_up: bool,
    /// When the PROXY header awaited must be whole.
    pub(crate) header_until: Option<std::time::Instant>,
}

impl<R: 'static> Entry<R> {
    /// Runs one step of the protocol.
    pub(crate) fn step(&mut self, wake: Wake) -> Wait {
        self.protocol.step(&mut self.admitted.request, wake)
    }
}

/// A connection's place in the table.
struct Slot<R> {
    /// The connection while it waits; `None` while a thread steps it.
    entry: Option<Box<Entry<R>>>,
    /// Readiness was reported while a thread stepped it: step again.
    woken: bool,
    /// What it waits for.
    wait: Wait,
    /// Its earliest entry in the timer heap.
    timer_at: Option<Instant>,
}

/// What a timer entry coming due means for its connection.
pub(crate) enum Due<R> {
    /// The connection's deadline passed: the caller owns it now.
    Fire(Box<Entry<R>>),
    /// Its deadline moved later: put this one in the heap instead.
    Later(Instant),
    /// Nothing to do (stepped now, gone, or an older entry).
    Nothing,
}

/// What became of a stepped connection put back.
pub(crate) enum Settled<R> {
    /// It waits; the deadline is to go in the timer heap, if given.
    Waiting(Option<Instant>),
    /// Readiness came while it was stepped: step it again.
    Again(Box<Entry<R>>),
    /// The server drains and it is between requests, or the drain is
    /// over: close it.
    Close(Box<Entry<R>>),
}

/// Every connection of a reactor, by poller key.
pub(crate) struct Table<R> {
    slots: Slab<Slot<R>>,
    /// The server drains: connections between requests close.
    pub(crate) draining: bool,
    /// The drain deadline passed: every connection closes.
    pub(crate) cut_off: bool,
    /// How many connections wait in the poller now.
    waiting: usize,
    shared: Arc<Shared>,
}

impl<R> Table<R> {
    /// An empty table, counting its waiting connections in `shared`'s
    /// statistics.
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Table { slots: Slab::new(), draining: false, cut_off: false, waiting: 0, shared }
    }

    fn count_waiting(&mut self, waiting: usize) {
        self.waiting = waiting;
        self.shared.counters.waiting.store(waiting as u64, Ordering::Relaxed);
    }

    /// A key for a new connection, stepped now by the caller.
    pub(crate) fn insert(&mut self) -> usize {
        self.slots.insert(Slot { entry: None, woken: false, wait: Wait::Close, timer_at: None })
    }

    /// Takes a waiting connection whose socket is ready; marks a stepped
    /// one to be stepped again.
    pub(crate) fn claim(&mut self, key: usize) -> Option<Box<Entry<R>>> {
        let slot = self.slots.get_mut(key)?;
        let entry = slot.entry.take();
        slot.woken |= entry.is_none();
        self.count_waiting(self.waiting - usize::from(entry.is_some()));
        entry
    }

    /// Sorts out a timer entry for `deadline` that came due at `now`.
    pub(crate) fn due(&mut self, key: usize, deadline: Instant, now: Instant) -> Due<R> {
        let Some(slot) = self.slots.get_mut(key) else { return Due::Nothing };
        if slot.timer_at != Some(deadline) {
            return Due::Nothing;
        }
        slot.timer_at = None;
        match (slot.wait.deadline(), slot.entry.is_some()) {
            (Some(at), true) if at <= now => {
                let entry = slot.entry.take().expect("checked");
                self.count_waiting(self.waiting - 1);
                Due::Fire(entry)
            }
            (Some(at), true) => {
                slot.timer_at = Some(at);
                Due::Later(at)
            }
            _ => Due::Nothing,
        }
    }

    /// Puts a stepped connection back to wait, unless it must be stepped
    /// again at once (readiness came meanwhile) or close (the drain).
    pub(crate) fn settle(&mut self, key: usize, entry: Box<Entry<R>>, wait: Wait) -> Settled<R> {
        if self.cut_off || (self.draining && matches!(wait, Wait::Idle(_))) {
            return Settled::Close(entry);
        }
        let slot = &mut self.slots[key];
        if std::mem::take(&mut slot.woken) {
            return Settled::Again(entry);
        }
        slot.entry = Some(entry);
        slot.wait = wait;
        let deadline = wait.deadline().filter(|at| slot.timer_at.map_or(true, |timer| *at < timer));
        if deadline.is_some() {
            slot.timer_at = deadline;
        }
        self.count_waiting(self.waiting + 1);
        Settled::Waiting(deadline)
    }

    /// Forgets a closed connection.
    pub(crate) fn remove(&mut self, key: usize) {
        self.slots.try_remove(key);
    }

    /// Takes every waiting connection that `pick` chooses by its wait.
    pub(crate) fn take_waiting(&mut self, pick: impl Fn(Wait) -> bool) -> Vec<(usize, Box<Entry<R>>)> {
        let mut taken = Vec::new();
        for (key, slot) in self.slots.iter_mut() {
            if slot.entry.is_some() && pick(slot.wait) {
                taken.push((key, slot.entry.take().expect("checked")));
            }
        }
        self.count_waiting(self.waiting - taken.len());
        taken
    }
}
