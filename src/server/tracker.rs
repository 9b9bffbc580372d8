//! The requests in flight, so a drain can wait for them and close the
//! connections of those that outlive the deadline.

use parking_lot::{Condvar, Mutex};
use socket2::SockRef;
use std::collections::HashMap;
use std::net::Shutdown;
use std::os::fd::{BorrowedFd, RawFd};
use std::time::Instant;

/// Requests in flight, each with its connection's descriptor if it has
/// one. A request leaves the tracker before its socket is closed, so a
/// descriptor here is always the live one.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    inner: Mutex<Inner>,
    emptied: Condvar,
}

#[derive(Debug, Default)]
struct Inner {
    live: HashMap<u64, Tracked>,
    next_id: u64,
    reads_closed: bool,
    /// Raw requests in flight when the drain began, or admitted after.
    raw_in_flight: usize,
    /// Driven connections the drain decided were in flight.
    driven_in_flight: usize,
}

/// Who drives a request's connection, which decides what a drain does
/// to it and how it is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Driver {
    /// A raw handler owns it: a drain ends its read side (the handler
    /// sees the end of its input) and counts it in flight.
    Raw,
    /// The reactor steps it: the reactor closes it between requests and
    /// its core counts it.
    Reactor,
    /// A protocol on the connection's own thread: it waits on the drain
    /// signal between requests and reports whether it was in flight
    /// ([`decide`](Tracker::decide)).
    Thread,
}

/// A request's socket, its driver, and the drain's decision about it.
#[derive(Debug, Clone, Copy)]
struct Tracked {
    fd: Option<RawFd>,
    driver: Driver,
    /// Whether the drain counts it in flight, once known.
    counted: Option<bool>,
}

impl Tracked {
    /// Whether the drain counts it in flight (raw ones always; driven
    /// ones undecided yet too). The reactor counts its own.
    fn in_flight(&self) -> bool {
        match self.driver {
            Driver::Raw => true,
            Driver::Reactor => false,
            Driver::Thread => self.counted != Some(false),
        }
    }
}

impl Tracker {
    /// Admits a request unless `max` are already in flight.
    pub(crate) fn admit(&self, fd: Option<RawFd>, driver: Driver, max: usize) -> Option<u64> {
        let mut inner = self.inner.lock();
        if inner.live.len() >= max {
            return None;
        }
        let id = inner.next_id;
        inner.next_id += 1;
        inner.live.insert(id, Tracked { fd, driver, counted: None });
        if inner.reads_closed && driver == Driver::Raw {
            shutdown(fd, Shutdown::Read);
            inner.raw_in_flight += 1;
        }
        Some(id)
    }

    /// A connection driven on its own thread tells whether the drain
    /// found it in flight (once).
    pub(crate) fn decide(&self, id: u64, in_flight: bool) {
        let mut inner = self.inner.lock();
        if let Some(tracked) = inner.live.get_mut(&id) {
            if tracked.counted.is_none() {
                tracked.counted = Some(in_flight);
                inner.driven_in_flight += usize::from(in_flight);
            }
        }
    }

    /// Requests the drain found in flight among raw handlers and
    /// connections driven on their own threads: the raw ones when it
    /// began (and any admitted after), the driven ones decided so, and
    /// driven ones still open and undecided (a step running past the
    /// deadline is a request).
    pub(crate) fn in_flight(&self) -> usize {
        let inner = self.inner.lock();
        let undecided =
            inner.live.values().filter(|t| t.driver == Driver::Thread && t.counted.is_none()).count();
        inner.raw_in_flight + inner.driven_in_flight + undecided
    }

    /// Of those, the ones still open: what a cut-off now ends.
    pub(crate) fn open_in_flight(&self) -> usize {
        self.inner.lock().live.values().filter(|t| t.in_flight()).count()
    }

    pub(crate) fn release(&self, id: u64) {
        let mut inner = self.inner.lock();
        inner.live.remove(&id);
        if inner.live.is_empty() {
            self.emptied.notify_all();
        }
    }

    pub(crate) fn count(&self) -> usize {
        self.inner.lock().live.len()
    }

    /// Ends the read side of every raw handler's connection (and of any
    /// admitted later): a handler blocked reading sees end of stream,
    /// while replies to what it already read can still be written.
    pub(crate) fn close_reads(&self) {
        let mut inner = self.inner.lock();
        inner.reads_closed = true;
        let raw: Vec<_> = inner.live.values().filter(|t| t.driver == Driver::Raw).map(|t| t.fd).collect();
        raw.iter().for_each(|fd| shutdown(*fd, Shutdown::Read));
        inner.raw_in_flight += raw.len();
    }

    /// Closes both directions of every connection still in flight.
    pub(crate) fn close_all(&self) {
        let inner = self.inner.lock();
        inner.live.values().for_each(|t| shutdown(t.fd, Shutdown::Both));
    }

    /// Waits until nothing is in flight or `deadline` passes; returns how
    /// many requests remain.
    pub(crate) fn wait_empty(&self, deadline: Instant) -> usize {
        let mut inner = self.inner.lock();
        while !inner.live.is_empty() {
            if self.emptied.wait_until(&mut inner, deadline).timed_out() {
                break;
            }
        }
        inner.live.len()
    }
}

fn shutdown(fd: Option<RawFd>, how: Shutdown) {
    if let Some(fd) = fd {
        // SAFETY: the tracker's lock is held, and a request leaves the
        // tracker (taking that lock) before its socket is closed, so `fd`
        // is still open and still this request's socket.
        let fd = unsafe { BorrowedFd::borrow_raw(fd) };
        let _ = SockRef::from(&fd).shutdown(how);
    }
}
