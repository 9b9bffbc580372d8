//! A connection's life in the reactor: its first step, each step after,
//! its deadlines, its close, and the drain.

use super::*;

impl<T: Transport, H: RequestHandler<T::Request>> Reactor<T, H> {
    /// Sets a new connection up and takes its first step.
    /// With a PROXY header to read, `setup` waits until it has been.
    pub(super) fn start(&self, mut admitted: Admitted<T::Request>, protocol: Box<dyn Protocol<T::Request>>) {
        let set_up = !self.context.expects_header();
        if set_up {
            if let Err(failure) = self.context.set_up(&mut admitted.request) {
                return self.context.report(&admitted.request, failure);
            }
        }
        if let Err(err) = admitted.request.set_nonblocking(true) {
            log::debug!("cannot make a connection from {} non-blocking: {err}", admitted.request.peer_addr());
            return if set_up { self.context.finish(admitted) } else { drop(admitted) };
        }
        let header_until = if set_up { None } else { self.context.header_deadline() };
        let entry = Box::new(Entry { admitted, protocol, set_up, header_until });
        let key = self.table.lock().insert();
        let Some(fd) = entry.admitted.request.raw_fd() else {
            return self.close(key, *entry, None);
        };
        // SAFETY: the connection is deleted from the poller in `close`,
        // before its socket closes.
        let added = unsafe { self.shared().poller.add_with_mode(fd, Event::all(key), PollMode::Edge) };
        match added {
            Ok(()) => self.step(key, entry, Wake::Start),
            Err(err) => {
                log::warn!("cannot wait on a connection, closing it: {err}");
                self.table.lock().remove(key);
                if entry.set_up {
                    self.context.finish(entry.admitted);
                }
            }
        }
    }

    /// Steps a connection, then puts it back to wait or closes it.
    pub(super) fn step(&self, key: usize, mut entry: Box<Entry<T::Request>>, mut wake: Wake) {
        if !entry.set_up {
            match self.header_step(&mut entry, wake) {
                Ok(()) => wake = Wake::Start,
                Err(wait) => return self.settle(key, entry, wake, wait),
            }
        }
        let wait = match catch_unwind(AssertUnwindSafe(|| entry.step(wake))) {
            Ok(wait) => wait,
            Err(payload) => return self.close(key, *entry, Some(Failure::from_panic(payload))),
        };
        self.settle(key, entry, wake, wait)
    }

    /// Reads the PROXY header as far as it has come; once whole and its
    /// client verified, runs `setup`. `Err` holds what to wait for.
    fn header_step(&self, entry: &mut Entry<T::Request>, wake: Wake) -> Result<(), Wait> {
        let request = &mut entry.admitted.request;
        match self.context.advance_header(request, wake, entry.header_until) {
            HeaderStep::Pending => return Err(Wait::Read(entry.header_until)),
            HeaderStep::Refused => return Err(Wait::Close),
            HeaderStep::Done => {}
        }
        if let Err(failure) = self.context.set_up(request) {
            self.context.report(request, failure);
            return Err(Wait::Close);
        }
        entry.set_up = true;
        Ok(())
    }

    /// Puts a stepped connection back to wait, or closes it.
    fn settle(&self, key: usize, entry: Box<Entry<T::Request>>, wake: Wake, wait: Wait) {
        if wake == Wake::Drain && matches!(wait, Wait::Idle(_) | Wait::Close) {
            self.closed_idle.fetch_add(1, Ordering::AcqRel);
        }
        if wait == Wait::Close {
            return self.close(key, *entry, None);
        }
        let settled = self.table.lock().settle(key, entry, wait);
        match settled {
            Settled::Waiting(deadline) => self.add_timer(key, deadline),
            // To the back of the queue, not again at once: a client that
            // keeps sending while its replies wait (pipelining, never
            // reading) would otherwise hold this thread.
            Settled::Again(back) => self.ready.lock().push_back(Work::Step(key, back, Wake::Ready)),
            Settled::Close(entry) => self.close(key, *entry, None),
        }
    }

    pub(super) fn add_timer(&self, key: usize, deadline: Option<Instant>) {
        if let Some(at) = deadline {
            if self.timers.lock().push(at, key) {
                let _ = self.shared().poller.notify();
            }
        }
    }

    /// Closes a connection: out of the poller, out of the table, then
    /// `finish` (and after it `handle_error` for a failure).
    pub(super) fn close(&self, key: usize, entry: Entry<T::Request>, failure: Option<Failure>) {
        if let Some(fd) = entry.admitted.request.raw_fd() {
            // SAFETY: the entry owns the socket, still open.
            let _ = self.shared().poller.delete(unsafe { BorrowedFd::borrow_raw(fd) });
        }
        self.table.lock().remove(key);
        let Entry { admitted, set_up, .. } = entry;
        if set_up {
            self.context.finish_after(admitted, failure);
        } else if let Some(failure) = failure {
            // `setup` never ran (the PROXY header failed first): no `finish`.
            self.context.report(&admitted.request, failure);
        }
    }

    /// Drain begins: stop accepting; every connection waiting between
    /// requests takes a [`Wake::Drain`] step (it closes, unless a request
    /// has arrived meanwhile; see [`closed_idle`](Self::closed_idle)).
    pub(crate) fn begin_drain(&self) {
        let mut last = Vec::new();
        self.transport.hand_over(&mut |incoming| {
            let request = self.attach(incoming);
            last.extend(self.admit(request, self.dispatch != Dispatch::Blocking));
        });
        // Under `Dispatch::Blocking` no loop runs during the drain: their
        // jobs go to the strategy now.
        if self.dispatch == Dispatch::Blocking {
            last.into_iter().for_each(|work| self.perform(work));
        } else {
            self.queue(last);
        }
        let _ =
            self.shared().poller.modify_with_mode(&self.transport, Event::none(LISTENER), PollMode::Oneshot);
        let idle = {
            let mut table = self.table.lock();
            table.draining = true;
            table.take_waiting(|wait| matches!(wait, Wait::Idle(_)))
        };
        self.queue(idle.into_iter().map(|(key, entry)| Work::Step(key, entry, Wake::Drain)).collect());
        let _ = self.shared().poller.notify();
    }

    /// How many connections the drain closed between requests, with
    /// nothing of a next request received: not in flight.
    pub(crate) fn closed_idle(&self) -> usize {
        self.closed_idle.load(Ordering::Acquire)
    }

    /// The drain deadline passed: close every waiting connection; the
    /// ones being stepped close when their step ends.
    pub(crate) fn cut_off(&self) {
        let left = {
            let mut table = self.table.lock();
            table.cut_off = true;
            table.take_waiting(|_| true)
        };
        for (key, entry) in left {
            self.close(key, *entry, None);
        }
    }

    /// Ends every loop: the leader's poll is woken, the followers too.
    pub(crate) fn stop(&self) {
        self.stopped.store(true, Ordering::Release);
        let _ = self.shared().poller.notify();
        self.stop_followers();
    }

    /// Takes the listener out of the poller (the server is closing).
    pub(crate) fn close_listener(&self) {
        let _ = self.shared().poller.delete(&self.transport);
    }
}
