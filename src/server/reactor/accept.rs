//! Accepting: the listener in the poller, admission, the raw queue, and
//! one request at a time for `handle_request`.

use super::*;

impl<T: Transport, H: RequestHandler<T::Request>> Reactor<T, H> {
    /// Arms the listener, unless the server stops accepting.
    pub(crate) fn listen(&self) {
        if self.shared().is_shutting_down() || self.listening.swap(true, Ordering::AcqRel) {
            return;
        }
        let armed = self.shared().poller.modify_with_mode(
            &self.transport,
            Event::readable(LISTENER),
            PollMode::Oneshot,
        );
        if let Err(err) = armed {
            log::error!("cannot wait for connections on {}: {err}", self.transport.local_addr());
        }
    }

    /// Accepts until the backlog is empty (at most a batch), admits what
    /// came and queues it.
    pub(super) fn accept_batch(&self) {
        let mut work = Vec::new();
        let mut rearm = true;
        for _ in 0..ACCEPT_BATCH {
            let accepted =
                self.transport.accept(&mut self.scratch.lock()).map(|incoming| self.attach(incoming));
            match accepted {
                Ok(request) => {
                    self.backoff.lock().reset();
                    work.extend(self.admit(request, self.dispatch != Dispatch::Blocking));
                }
                // The drain took the listener's queue and stopped it
                // listening (`Transport::hand_over`): accept fails now.
                Err(_) if self.shared().is_shutting_down() => break,
                Err(err) => match classify(&err) {
                    AcceptError::Drained => break,
                    AcceptError::Skip => log::debug!("skipped a failed {} accept: {err}", T::NAME),
                    AcceptError::BackOff => {
                        self.pause(&err);
                        rearm = false;
                        break;
                    }
                },
            }
            if self.shared().is_shutting_down() || self.raw_queue_full() {
                rearm = !self.raw_queue_full();
                break;
            }
        }
        if rearm {
            self.listen();
        }
        self.run_service_actions();
        self.queue(work);
    }

    /// Queues work for the reactor's threads, waking the poller when
    /// others should help.
    pub(super) fn queue(&self, work: Vec<Work<T::Request>>) {
        let many = work.len() > 1;
        self.ready.lock().extend(work);
        if many && matches!(self.dispatch, Dispatch::Loops { .. }) {
            let _ = self.shared().poller.notify();
        }
    }

    /// The request a handler gets, from what the transport took.
    pub(super) fn attach(&self, incoming: <T::Request as Request>::Incoming) -> T::Request {
        T::Request::attach(incoming, self.context.server_handle())
    }

    pub(super) fn pause(&self, err: &io::Error) {
        let mut backoff = self.backoff.lock();
        let first = !backoff.is_backing_off();
        let delay = backoff.trip();
        let message =
            format!("cannot accept on {}: {err}; pausing accepts for {delay:?}", self.transport.local_addr());
        if first {
            log::warn!("{message}");
        } else {
            log::debug!("{message}");
        }
        // The thread polling now must wake by the end of the pause.
        let _ = self.shared().poller.notify();
    }

    /// Verifies and admits one request, returning its work (or `None`
    /// when it was refused or dropped). `stepped`: a protocol connection
    /// will be stepped by the reactor rather than run on one thread.
    pub(super) fn admit(&self, mut request: T::Request, stepped: bool) -> Option<Work<T::Request>> {
        let context = &self.context;
        Counters::bump(&context.shared.counters.accepted);
        // Behind a proxy the client is known once its PROXY header is read.
        if !context.expects_header() && !context.verified(&request) {
            return None;
        }
        if request.is_oversized() {
            context.drop_oversized(request);
            return None;
        }
        let protocol = if T::is_stream() {
            context.handler.protocol().map(|p| self.transport.wrap_protocol(p))
        } else {
            None
        };
        let max = context.shared.config.max_connections;
        let driver = match (&protocol, stepped) {
            (None, _) => Driver::Raw,
            (Some(_), true) => Driver::Reactor,
            (Some(_), false) => Driver::Thread,
        };
        let Some(id) = context.shared.tracker.admit(request.raw_fd(), driver, max) else {
            context.reject(&mut request);
            return None;
        };
        let admitted = Admitted { request, id, shared: Arc::clone(&context.shared) };
        match protocol {
            Some(protocol) => Some(Work::Start(admitted, protocol)),
            None => self.admit_raw(admitted),
        }
    }

    /// A raw request waits for a thread, unless too many already do.
    pub(super) fn admit_raw(&self, mut admitted: Admitted<T::Request>) -> Option<Work<T::Request>> {
        if let Dispatch::Loops { queue, overload: Overload::Reject, .. } = self.dispatch {
            if self.shared().counters.queued.load(Ordering::Acquire) >= queue.max(1) {
                self.context.reject(&mut admitted.request);
                return None;
            }
        }
        self.shared().counters.queued.fetch_add(1, Ordering::AcqRel);
        Some(Work::Raw(admitted))
    }

    /// The raw requests that may wait before accepting pauses (`Wait`).
    pub(super) fn raw_queue_limit(&self) -> usize {
        match self.dispatch {
            Dispatch::Loops { queue, overload: Overload::Wait, .. } => queue.max(1),
            _ => usize::MAX,
        }
    }

    pub(super) fn raw_queue_full(&self) -> bool {
        self.shared().counters.queued.load(Ordering::Acquire) >= self.raw_queue_limit()
    }

    pub(super) fn run_service_actions(&self) {
        let hooks = &self.context.hooks;
        if let Err(failure) = guarded(|| {
            hooks.service_actions();
            Ok(())
        }) {
            log::error!("service_actions failed: {failure}");
        }
    }

    /// Serves one request, for `handle_request` (no loop runs): on the
    /// calling thread under [`Dispatch::Serving`], as Python's plain
    /// server does; otherwise as a job for the strategy's threads, which
    /// run a protocol with blocking waits. Returns whether it was admitted
    /// (not refused by `verify_request`, dropped as oversized, or rejected
    /// at capacity).
    pub(crate) fn serve_one(&self, request: T::Request) -> bool {
        let Some(work) = self.admit(request, false) else { return false };
        let (admitted, protocol) = match work {
            Work::Start(admitted, protocol) => (admitted, Some(protocol)),
            Work::Raw(admitted) => {
                self.shared().counters.queued.fetch_sub(1, Ordering::AcqRel);
                (admitted, None)
            }
            _ => return false,
        };
        match (self.dispatch, protocol) {
            (Dispatch::Serving, Some(protocol)) => {
                Arc::clone(&self.context).serve_blocking(admitted, protocol)
            }
            (Dispatch::Serving, None) => Arc::clone(&self.context).serve(admitted, true),
            (_, protocol) => self.concurrency.execute(self.context.job(admitted, protocol)),
        }
        true
    }

    /// Waits up to `timeout` for the listener to be ready (or the
    /// server to shut down); for `handle_request`, with no loop running.
    pub(crate) fn wait_for_listener(&self, timeout: Option<std::time::Duration>) -> io::Result<()> {
        self.listen();
        let mut events = self.lead.lock();
        events.clear();
        match self.shared().poller.wait(&mut events, timeout) {
            Err(err) if err.kind() != io::ErrorKind::Interrupted => return Err(err),
            _ => {}
        }
        if events.iter().any(|event| event.key == LISTENER) {
            self.listening.store(false, Ordering::Release);
        }
        Ok(())
    }

    /// Accepts one request without blocking (for `handle_request`).
    pub(crate) fn accept_one(&self) -> io::Result<Option<T::Request>> {
        loop {
            match self.transport.accept(&mut self.scratch.lock()) {
                Ok(incoming) => return Ok(Some(self.attach(incoming))),
                Err(_) if self.shared().is_shutting_down() => return Ok(None),
                Err(err) => match classify(&err) {
                    AcceptError::Drained => return Ok(None),
                    AcceptError::Skip => continue,
                    AcceptError::BackOff => return Err(err),
                },
            }
        }
    }
}
