//! The reactor's deadlines: a min-heap of (deadline, connection key).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::{Duration, Instant};

/// Deadlines of waiting connections, earliest first, and when the thread
/// polling now will wake.
///
/// Entries are never removed early: a connection whose deadline moved
/// keeps at most one entry per earlier deadline, and the core checks an
/// entry against the connection's own deadline when it comes due (see
/// [`Core::due`](super::core::Core::due)). So the heap holds about one
/// entry per waiting connection.
#[derive(Debug, Default)]
pub(crate) struct Timers {
    heap: BinaryHeap<Reverse<(Instant, usize)>>,
    /// While a thread polls: when it wakes (`None`: not before an event).
    polling: Option<Option<Instant>>,
}

impl Timers {
    /// Adds a deadline; `true` when the polling thread would sleep past
    /// it and must be woken.
    pub(crate) fn push(&mut self, at: Instant, key: usize) -> bool {
        self.heap.push(Reverse((at, key)));
        matches!(self.polling, Some(wakes) if wakes.is_none_or(|wakes| at < wakes))
    }

    /// A thread is about to poll: how long it may sleep, at most `cap`
    /// away (`None` for no limit).
    pub(crate) fn start_polling(&mut self, now: Instant, cap: Option<Instant>) -> Option<Duration> {
        let next = self.heap.peek().map(|Reverse((at, _))| *at);
        let wakes = match (next, cap) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.polling = Some(wakes);
        wakes.map(|at| at.saturating_duration_since(now))
    }

    /// The polling thread is back.
    pub(crate) fn stop_polling(&mut self) {
        self.polling = None;
    }

    /// Takes the next entry due at `now`.
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<(Instant, usize)> {
        match self.heap.peek() {
            Some(Reverse((at, _))) if *at <= now => self.heap.pop().map(|Reverse(entry)| entry),
            _ => None,
        }
    }

    /// How many entries are held.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.heap.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_entries_come_out_earliest_first() {
        let mut timers = Timers::default();
        let now = Instant::now();
        timers.push(now + Duration::from_secs(2), 2);
        timers.push(now, 1);
        timers.push(now + Duration::from_secs(9), 3);
        assert_eq!(timers.pop_due(now + Duration::from_secs(3)), Some((now, 1)));
        assert_eq!(timers.pop_due(now + Duration::from_secs(3)), Some((now + Duration::from_secs(2), 2)));
        assert_eq!(timers.pop_due(now + Duration::from_secs(3)), None);
        assert_eq!(timers.len(), 1);
    }

    #[test]
    fn an_earlier_deadline_wakes_the_poller() {
        let mut timers = Timers::default();
        let now = Instant::now();
        assert!(!timers.push(now + Duration::from_secs(5), 1), "nobody polls yet");
        assert_eq!(timers.start_polling(now, None), Some(Duration::from_secs(5)));
        assert!(!timers.push(now + Duration::from_secs(6), 2));
        assert!(timers.push(now + Duration::from_secs(1), 3));
        timers.stop_polling();
        assert!(!timers.push(now, 4));
    }
}
