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
}

/// A request's socket, and whether a shutdown ends its read side.
#[derive(Debug, Clone, Copy)]
struct Tracked {
    fd: Option<RawFd>,
    /// A connection the reactor steps reads on through the drain (it
    /// closes those between requests itself); a blocking one sees the
    /// end of its input instead.
    stepped: bool,
}

impl Tracker {
    /// Admits a request unless `max` are already in flight. `stepped`
    /// says the reactor drives it (its read side stays open in a drain).
    pub(crate) fn admit(&self, fd: Option<RawFd>, stepped: bool, max: usize) -> Option<u64> {
        let mut inner = self.inner.lock();
        if inner.live.len() >= max {
            return None;
        }
        let id = inner.next_id;
        inner.next_id += 1;
        inner.live.insert(id, Tracked { fd, stepped });
        if inner.reads_closed && !stepped {
            shutdown(fd, Shutdown::Read);
        }
        Some(id)
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

    /// Ends the read side of every connection (and of any admitted later):
    /// a handler blocked reading sees end of stream, while replies to what
    /// it already read can still be written.
    /// Returns how many requests were in flight.
    pub(crate) fn close_reads(&self) -> usize {
        let mut inner = self.inner.lock();
        inner.reads_closed = true;
        inner.live.values().filter(|t| !t.stepped).for_each(|t| shutdown(t.fd, Shutdown::Read));
        inner.live.len()
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
