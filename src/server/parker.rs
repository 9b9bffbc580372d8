//! Parked connections: message connections waiting for bytes without
//! holding a worker thread.

use parking_lot::Mutex;
use polling::{Event, Events, Poller};
use std::collections::{BTreeSet, HashMap};
use std::io;
use std::os::fd::{BorrowedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

/// What to do when a parked connection has bytes or its deadline passes:
/// hand it back to a worker.
pub(crate) type Wake = Box<dyn FnOnce() + Send>;

/// A thread that waits on parked connections and wakes each when it is
/// readable (bytes, end of stream, reset) or its deadline passes.
///
/// Under a saturated [`ThreadPool`](crate::ThreadPool), a message
/// connection waiting for its next message (or the rest of one) parks
/// here instead of blocking a worker, so idle and trickling clients cannot
/// take every worker.
#[derive(Debug)]
pub(crate) struct Parker {
    inner: Arc<Inner>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

struct Inner {
    poller: Poller,
    entries: Mutex<Entries>,
    stopped: AtomicBool,
}

#[derive(Default)]
struct Entries {
    next_key: usize,
    parked: HashMap<usize, Entry>,
    deadlines: BTreeSet<(Instant, usize)>,
}

struct Entry {
    fd: RawFd,
    deadline: Option<Instant>,
    wake: Wake,
}

impl Parker {
    pub(crate) fn new() -> io::Result<Parker> {
        let inner = Arc::new(Inner {
            poller: Poller::new()?,
            entries: Mutex::new(Entries::default()),
            stopped: AtomicBool::new(false),
        });
        Ok(Parker { inner, thread: Mutex::new(None) })
    }

    /// Parks the connection on `fd` until it is readable or `deadline`.
    ///
    /// # Safety
    ///
    /// `fd` must stay open until `wake` runs or is dropped: the closure
    /// owns the connection.
    pub(crate) unsafe fn park(&self, fd: RawFd, deadline: Option<Instant>, wake: Wake) -> io::Result<()> {
        if self.inner.stopped.load(Ordering::SeqCst) {
            return Err(io::Error::other("the server is closed"));
        }
        self.ensure_thread()?;
        let mut entries = self.inner.entries.lock();
        // Checked again under the lock `stop` takes after setting the
        // flag: an entry added after `stop` emptied the table would never
        // be woken or closed (and would keep the server's state alive).
        if self.inner.stopped.load(Ordering::SeqCst) {
            return Err(io::Error::other("the server is closed"));
        }
        let key = entries.next_key;
        entries.next_key += 1;
        // SAFETY: the entry keeps the connection (and so `fd`) open until
        // it is removed, and removal deletes `fd` from the poller first.
        unsafe { self.inner.poller.add(fd, Event::readable(key))? };
        if let Some(deadline) = deadline {
            entries.deadlines.insert((deadline, key));
        }
        entries.parked.insert(key, Entry { fd, deadline, wake });
        drop(entries);
        // The entry is parked either way; a failed notify only delays
        // noticing an earlier deadline until the next wake.
        if let Err(err) = self.inner.poller.notify() {
            log::debug!("parked connections: cannot wake the parker: {err}");
        }
        Ok(())
    }

    /// How many connections are parked now.
    pub(crate) fn len(&self) -> usize {
        self.inner.entries.lock().parked.len()
    }

    /// Stops the thread and closes every connection still parked.
    pub(crate) fn stop(&self) {
        self.inner.stopped.store(true, Ordering::SeqCst);
        let _ = self.inner.poller.notify();
        if let Some(thread) = self.thread.lock().take() {
            let _ = thread.join();
        }
        let mut entries = self.inner.entries.lock();
        let keys: Vec<usize> = entries.parked.keys().copied().collect();
        let unparked: Vec<Entry> =
            keys.into_iter().filter_map(|key| self.inner.remove(&mut entries, key)).collect();
        drop(entries);
        drop(unparked);
    }

    fn ensure_thread(&self) -> io::Result<()> {
        let mut thread = self.thread.lock();
        if thread.is_none() && !self.inner.stopped.load(Ordering::SeqCst) {
            let inner = Arc::clone(&self.inner);
            *thread = Some(std::thread::Builder::new().name("ss-parker".into()).spawn(move || inner.run())?);
        }
        Ok(())
    }
}

impl Inner {
    fn run(&self) {
        let mut events = Events::new();
        while !self.stopped.load(Ordering::SeqCst) {
            events.clear();
            let timeout = self.next_deadline().map(|d| d.saturating_duration_since(Instant::now()));
            if let Err(err) = self.poller.wait(&mut events, timeout) {
                if err.kind() != io::ErrorKind::Interrupted {
                    log::error!("parked connections: waiting failed: {err}");
                    return;
                }
            }
            let due = self.take_due(events.iter().map(|event| event.key));
            for entry in due {
                if std::panic::catch_unwind(std::panic::AssertUnwindSafe(entry.wake)).is_err() {
                    log::error!("waking a parked connection panicked; it is closed");
                }
            }
        }
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.entries.lock().deadlines.first().map(|(deadline, _)| *deadline)
    }

    /// Removes the entries that are readable or past their deadline.
    fn take_due(&self, ready: impl Iterator<Item = usize>) -> Vec<Entry> {
        let mut entries = self.entries.lock();
        let now = Instant::now();
        let expired: Vec<usize> = entries
            .deadlines
            .iter()
            .take_while(|(deadline, _)| *deadline <= now)
            .map(|(_, key)| *key)
            .collect();
        ready.chain(expired).filter_map(|key| self.remove(&mut entries, key)).collect()
    }

    fn remove(&self, entries: &mut Entries, key: usize) -> Option<Entry> {
        let entry = entries.parked.remove(&key)?;
        if let Some(deadline) = entry.deadline {
            entries.deadlines.remove(&(deadline, key));
        }
        // SAFETY: the entry still owns the connection, so `fd` is open.
        let _ = self.poller.delete(unsafe { BorrowedFd::borrow_raw(entry.fd) });
        Some(entry)
    }
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parker").field("parked", &self.entries.lock().parked.len()).finish_non_exhaustive()
    }
}
