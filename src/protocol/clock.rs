//! One connection's clock: when each of its waits began, and so when
//! each deadline falls. Every deadline of a framework-driven connection
//! is defined here, once.

use std::time::{Duration, Instant};

/// When a connection's waits began.
///
/// The deadlines, each counted from one instant:
///
/// | deadline | counted from | limit |
/// |---|---|---|
/// | idle | the later of its opening, its last answer, and the last flush of its output | `idle_timeout` |
/// | request | the first byte of the request (message, HTTP head) being read | `read_timeout` (`header_timeout` for an HTTP head) |
/// | stall | the last bytes that arrived (an HTTP body) | `read_timeout` |
/// | unterminated | the last bytes that arrived (a line without its end) | the `unterminated_after` grace |
/// | write | the last write that made progress, while the socket takes nothing | `write_timeout` |
/// | linger | the close of its write side | one second |
///
/// `write_timeout` therefore has one meaning everywhere: the longest a
/// client may leave the server's output unread without taking any of it
/// (nginx's `send_timeout`), not a limit on a whole reply.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    idle_since: Instant,
    began: Option<Instant>,
    last_bytes: Instant,
    write_stalled: Option<Instant>,
}

impl Clock {
    /// The clock of a connection opened at `now`.
    pub(crate) fn new(now: Instant) -> Clock {
        Clock { idle_since: now, began: None, last_bytes: now, write_stalled: None }
    }

    /// Bytes arrived at `now`; the first of a request starts its clock.
    pub(crate) fn arrived(&mut self, now: Instant) {
        self.last_bytes = now;
        self.began.get_or_insert(now);
    }

    /// A request was answered at `now`; bytes already buffered (`more`)
    /// begin the next one now.
    pub(crate) fn answered(&mut self, now: Instant, more: bool) {
        self.idle_since = now;
        self.began = more.then_some(now);
    }

    /// Everything buffered is written; `left_at`: when its last bytes
    /// went out, if this flush wrote any (the idle wait cannot begin
    /// before the answer left).
    pub(crate) fn flushed(&mut self, left_at: Option<Instant>) {
        if let Some(at) = left_at {
            self.idle_since = self.idle_since.max(at);
        }
        self.write_stalled = None;
    }

    /// The socket took less than everything at `now`: the write deadline
    /// counts from now if bytes went out (`progress`), else from the
    /// first write that took nothing.
    pub(crate) fn blocked(&mut self, now: Instant, progress: bool) {
        if progress {
            self.write_stalled = Some(now);
        } else {
            self.write_stalled.get_or_insert(now);
        }
    }

    /// Nothing is buffered of a next request: it has not begun.
    pub(crate) fn nothing_pending(&mut self) {
        self.began = None;
    }

    /// When the request being read began (its first byte), if it has.
    #[cfg(feature = "http")]
    pub(crate) fn began(&self) -> Option<Instant> {
        self.began
    }

    /// When the connection last became idle: its last answer's time
    /// once [`answered`](Self::answered).
    #[cfg(feature = "http")]
    pub(crate) fn idle_since(&self) -> Instant {
        self.idle_since
    }

    /// When bytes last arrived.
    #[cfg(feature = "http")]
    pub(crate) fn last_bytes(&self) -> Instant {
        self.last_bytes
    }

    /// The idle deadline.
    pub(crate) fn idle_deadline(&self, limit: Option<Duration>) -> Option<Instant> {
        limit.map(|limit| self.idle_since + limit)
    }

    /// The request deadline: `limit` after its first byte (or after the
    /// last bytes, if its start was not noted).
    pub(crate) fn request_deadline(&mut self, limit: Option<Duration>) -> Option<Instant> {
        let began = *self.began.get_or_insert(self.last_bytes);
        limit.map(|limit| began + limit)
    }

    /// The stall (and unterminated-line) deadline: `limit` after the last
    /// bytes.
    pub(crate) fn stall_deadline(&self, limit: Option<Duration>) -> Option<Instant> {
        limit.map(|limit| self.last_bytes + limit)
    }

    /// The write deadline: `limit` after writing last made progress (or
    /// from `now`, if it has not stalled yet).
    pub(crate) fn write_deadline(&self, now: Instant, limit: Option<Duration>) -> Option<Instant> {
        limit.map(|limit| self.write_stalled.unwrap_or(now) + limit)
    }

    /// Whether writing has stalled for `limit` at `now`.
    pub(crate) fn write_expired(&self, now: Instant, limit: Option<Duration>) -> bool {
        expired(self.write_stalled, now, limit)
    }

    /// Whether writing is stalled (output waits for the client).
    pub(crate) fn write_stalled(&self) -> bool {
        self.write_stalled.is_some()
    }

    /// Whether the connection has been idle for `limit` at `now`.
    pub(crate) fn idle_expired(&self, now: Instant, limit: Option<Duration>) -> bool {
        expired(Some(self.idle_since), now, limit)
    }

    /// Whether the request being read has taken `limit` at `now`.
    pub(crate) fn request_expired(&self, now: Instant, limit: Option<Duration>) -> bool {
        expired(self.began.or(Some(self.last_bytes)), now, limit)
    }

    /// Whether no bytes have come for `limit` at `now`.
    pub(crate) fn stall_expired(&self, now: Instant, limit: Option<Duration>) -> bool {
        expired(Some(self.last_bytes), now, limit)
    }
}

/// Whether `limit` has passed since `since` at `now` (never, without
/// either).
fn expired(since: Option<Instant>, now: Instant, limit: Option<Duration>) -> bool {
    matches!((since, limit), (Some(since), Some(limit)) if now >= since + limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_idle_wait_begins_when_the_answer_has_left() {
        let t0 = Instant::now();
        let limit = Some(Duration::from_millis(100));
        let mut clock = Clock::new(t0);
        clock.answered(t0 + Duration::from_millis(5), false);
        clock.flushed(Some(t0 + Duration::from_millis(30)));
        assert_eq!(clock.idle_deadline(limit), Some(t0 + Duration::from_millis(130)));
        assert!(!clock.idle_expired(t0 + Duration::from_millis(129), limit));
        assert!(clock.idle_expired(t0 + Duration::from_millis(130), limit));
    }

    #[test]
    fn the_write_deadline_moves_with_progress_only() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let limit = Some(ms(100));
        let mut clock = Clock::new(t0);
        clock.blocked(t0, false);
        clock.blocked(t0 + ms(50), false);
        assert_eq!(clock.write_deadline(t0 + ms(60), limit), Some(t0 + ms(100)));
        clock.blocked(t0 + ms(70), true);
        assert_eq!(clock.write_deadline(t0 + ms(80), limit), Some(t0 + ms(170)));
        assert!(!clock.write_expired(t0 + ms(169), limit));
        assert!(clock.write_expired(t0 + ms(170), limit));
        clock.flushed(Some(t0 + ms(90)));
        assert!(!clock.write_stalled());
    }
}
