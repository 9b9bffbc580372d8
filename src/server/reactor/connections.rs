//! A connection's life in the reactor: its first step, each step after,
//! its close, and the drain. What happens next is the [`Core`]'s
//! decision; this file does the I/O around it.

use super::*;

impl<T: Transport, H: RequestHandler<T::Request>> Reactor<T, H> {
    /// Sets a new connection up and takes its first step.
    /// With a PROXY header to read, `setup` waits until it has been.
    pub(super) fn start(&self, mut admitted: Admitted<T::Request>, protocol: Box<dyn Protocol<T::Request>>) {
        let opening = if self.context.expects_header() {
            Opening::Header(self.context.header_deadline())
        } else {
            Opening::Open
        };
        if opening == Opening::Open {
            if let Err(failure) = self.context.set_up(&mut admitted.request) {
                return self.context.report(&admitted.request, failure);
            }
        }
        let entry = Box::new(Entry { admitted, protocol, opening });
        if let Err(err) = entry.admitted.request.set_nonblocking(true) {
            log::debug!(
                "cannot make a connection from {} non-blocking: {err}",
                entry.admitted.request.peer_addr()
            );
            return self.end(*entry, None);
        }
        let Some(fd) = entry.admitted.request.raw_fd() else { return self.end(*entry, None) };
        let key = self.with_core(|core| core.insert());
        // SAFETY: the connection is deleted from the poller in `close`,
        // before its socket closes.
        let added = unsafe { self.shared().poller.add_with_mode(fd, Event::all(key), PollMode::Edge) };
        match added {
            Ok(()) => self.step(key, entry, Wake::Start),
            Err(err) => {
                log::warn!("cannot wait on a connection, closing it: {err}");
                self.with_core(|core| core.remove(key));
                self.end(*entry, None)
            }
        }
    }

    /// Steps a connection, then hands it back to the core, which says
    /// where it goes next.
    pub(super) fn step(&self, key: usize, mut entry: Box<Entry<T::Request>>, mut wake: Wake) {
        let received = entry.admitted.request.bytes_received();
        if !entry.is_open() {
            match self.header_step(&mut entry, wake) {
                Ok(()) => wake = Wake::Start,
                Err(wait) => return self.settle(key, entry, wake, received, wait, None),
            }
        }
        match catch_unwind(AssertUnwindSafe(|| entry.step(wake))) {
            Ok(wait) => self.settle(key, entry, wake, received, wait, None),
            Err(payload) => {
                self.settle(key, entry, wake, received, Wait::Close, Some(Failure::from_panic(payload)))
            }
        }
    }

    /// Reads the PROXY header as far as it has come; once whole and its
    /// client verified, runs `setup`. `Err` holds what to wait for.
    fn header_step(&self, entry: &mut Entry<T::Request>, wake: Wake) -> Result<(), Wait> {
        let Opening::Header(until) = entry.opening else { return Ok(()) };
        let request = &mut entry.admitted.request;
        match self.context.advance_header(request, wake, until) {
            HeaderStep::Pending => return Err(Wait::Read(until)),
            HeaderStep::Refused => return Err(Wait::Close),
            HeaderStep::Done => {}
        }
        if let Err(failure) = self.context.set_up(request) {
            self.context.report(request, failure);
            return Err(Wait::Close);
        }
        entry.opening = Opening::Open;
        Ok(())
    }

    /// Hands a stepped connection back to the core and does what it
    /// decides. `before`: the bytes it had received when the step began;
    /// `failure`: the step panicked.
    fn settle(
        &self,
        key: usize,
        entry: Box<Entry<T::Request>>,
        wake: Wake,
        before: u64,
        wait: Wait,
        failure: Option<Failure>,
    ) {
        let received = entry.admitted.request.bytes_received() > before;
        if wake == Wake::TimedOut && wait == Wait::Close {
            Counters::bump(&self.shared().counters.timed_out);
        }
        let settled = self.with_core(|core| core.settle(key, entry, wake, received, wait));
        match settled {
            Settled::Waiting(wake_poller) => {
                if wake_poller {
                    let _ = self.shared().poller.notify();
                }
            }
            // To the back of the queue, not again at once: a client that
            // keeps sending while its replies wait would otherwise hold
            // this thread.
            Settled::Again(entry, wake) => self.ready.lock().push_back(Work::Step(key, entry, wake)),
            Settled::Yielded(entry) => self.yielded.lock().push_back(Work::Step(key, entry, Wake::Ready)),
            Settled::Close(entry) => self.close(key, *entry, failure),
        }
    }

    /// Closes a connection: out of the core and the poller, then
    /// `finish` (and after it `handle_error` for a failure).
    pub(super) fn close(&self, key: usize, entry: Entry<T::Request>, failure: Option<Failure>) {
        self.with_core(|core| core.remove(key));
        if let Some(fd) = entry.admitted.request.raw_fd() {
            // SAFETY: the entry owns the socket, still open.
            let _ = self.shared().poller.delete(unsafe { BorrowedFd::borrow_raw(fd) });
        }
        self.end(entry, failure)
    }

    /// Ends a connection: `finish` if `setup` ran, else only the failure.
    fn end(&self, entry: Entry<T::Request>, failure: Option<Failure>) {
        let Entry { admitted, opening, .. } = entry;
        if opening == Opening::Open {
            self.context.finish_after(admitted, failure);
        } else if let Some(failure) = failure {
            // `setup` never ran (the PROXY header failed first): no `finish`.
            self.context.report(&admitted.request, failure);
        }
    }

    /// Drain begins: stop accepting; every connection waiting between
    /// requests takes a [`Wake::Drain`] step (it closes, unless a request
    /// has arrived meanwhile); the core counts the ones in flight.
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
        let idle = self.with_core(|core| core.begin_drain());
        self.queue(idle.into_iter().map(|(key, entry)| Work::Step(key, entry, Wake::Drain)).collect());
        let _ = self.shared().poller.notify();
    }

    /// Requests the drain found in flight among the connections the
    /// reactor steps (see [`Core::in_flight`]).
    pub(crate) fn in_flight(&self) -> usize {
        self.core.lock().in_flight()
    }

    /// Of those, the ones still open (see [`Core::open_in_flight`]).
    pub(crate) fn open_in_flight(&self) -> usize {
        self.core.lock().open_in_flight()
    }

    /// The drain deadline passed: close every waiting connection; the
    /// ones being stepped close when their step ends.
    pub(crate) fn cut_off(&self) {
        for (key, entry) in self.with_core(|core| core.cut_off()) {
            self.close(key, *entry, None);
        }
    }

    /// Ends every loop: the leader's poll is woken, the followers too.
    pub(crate) fn stop(&self) {
        self.stopped.store(true, Ordering::Release);
        let _ = self.shared().poller.notify();
        self.stop_followers();
    }

    /// Closes what is still queued once the loops have stopped: every
    /// connection ends (with `finish`) exactly once, even one whose step
    /// never came.
    pub(crate) fn close_queued(&self) {
        let mut queued = std::mem::take(&mut *self.ready.lock());
        queued.append(&mut self.yielded.lock());
        for work in queued {
            match work {
                Work::Step(key, entry, _) => self.close(key, *entry, None),
                Work::Start(admitted, _) | Work::Raw(admitted) => drop(admitted),
                Work::Accept => {}
            }
        }
    }

    /// Takes the listener out of the poller (the server is closing).
    pub(crate) fn close_listener(&self) {
        let _ = self.shared().poller.delete(&self.transport);
    }
}
