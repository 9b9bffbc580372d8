//! One closed-loop client connection as a state machine: send a request,
//! take the answer as it arrives, check it, send the next.

use super::context::Context;
use super::exchange::{Exchange, Step, Verdict};
use super::link::Link;
use super::plan::LoadPlan;
use polling::Event;
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

/// Pause before dialling again after a connect failed, so a server that
/// refuses is not spun on.
const RETRY_PAUSE: Duration = Duration::from_millis(10);

/// Where a client is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Not started, or between connections.
    Closed,
    /// A connect is under way.
    Connecting,
    /// A request is being sent or its answer awaited.
    Exchanging,
    /// Waiting to dial again after a failed connect.
    Paused(Instant),
}

/// One client: its link, its exchange and the answer bytes it has not
/// used yet. The poller's key for its link is its index in the thread.
#[derive(Debug)]
pub struct Client {
    key: usize,
    link: Option<Link>,
    exchange: Box<dyn Exchange>,
    pending: Vec<u8>,
    phase: Phase,
    sent: usize,
    began: Instant,
    deadline: Instant,
}

impl Client {
    /// A client registered under `key`, not yet connected.
    pub fn new(key: usize, plan: &LoadPlan) -> Client {
        let exchange = plan.request.exchange(plan.addr, plan.per_request);
        let now = Instant::now();
        let pending = Vec::new();
        Client {
            key,
            link: None,
            exchange,
            pending,
            phase: Phase::Closed,
            sent: 0,
            began: now,
            deadline: now,
        }
    }

    /// Before the run: opens a persistent connection (blocking, bounded by
    /// the timeout); a failure is counted and retried once the run starts.
    pub fn prepare(&mut self, ctx: &mut Context<'_>) {
        if ctx.plan.per_request {
            return;
        }
        match ctx.plan.request.connect(ctx.plan.addr, ctx.plan.timeout).and_then(|link| self.adopt(link, ctx))
        {
            Ok(()) => {}
            Err(err) => ctx.failed(&err),
        }
    }

    /// At the start of the run: the first request, or the first dial.
    pub fn start(&mut self, ctx: &mut Context<'_>) {
        if self.link.is_some() {
            self.next_request(ctx);
        } else {
            self.dial(ctx);
        }
    }

    /// The link is ready for reading, writing, or both.
    pub fn on_event(&mut self, event: Event, ctx: &mut Context<'_>) {
        let result = match self.phase {
            Phase::Connecting => self.connected(),
            Phase::Exchanging => self.exchange_step(event, ctx),
            Phase::Closed | Phase::Paused(_) => Ok(()),
        };
        if let Err(err) = result {
            self.fail(&err, ctx);
        }
    }

    /// Dials again after a pause; gives up on a request past its deadline.
    pub fn on_tick(&mut self, now: Instant, ctx: &mut Context<'_>) {
        match self.phase {
            Phase::Paused(at) if now >= at => self.dial(ctx),
            Phase::Connecting | Phase::Exchanging if now >= self.deadline => {
                let message = format!("no answer within {:?}", ctx.plan.timeout);
                self.fail(&io::Error::new(io::ErrorKind::TimedOut, message), ctx);
            }
            _ => {}
        }
    }

    /// Registers a new link as this client's.
    fn adopt(&mut self, link: Link, ctx: &Context<'_>) -> io::Result<()> {
        link.register(ctx.poller, self.key)?;
        self.exchange.reset();
        self.pending.clear();
        self.link = Some(link);
        Ok(())
    }

    /// Starts a connection; per-request latency is counted from here.
    fn dial(&mut self, ctx: &mut Context<'_>) {
        self.began = Instant::now();
        self.deadline = self.began + ctx.plan.timeout;
        match ctx.plan.request.dial(ctx.plan.addr).and_then(|link| self.adopt(link, ctx)) {
            Ok(()) if ctx.plan.request.is_datagram() => {
                if let Err(err) = self.first_request() {
                    ctx.failed(&err);
                    self.close(ctx);
                    self.phase = Phase::Paused(Instant::now() + RETRY_PAUSE);
                }
            }
            Ok(()) => self.phase = Phase::Connecting,
            Err(err) => {
                ctx.failed(&err);
                self.phase = Phase::Paused(Instant::now() + RETRY_PAUSE);
            }
        }
    }

    /// The connect finished: if it succeeded, the first request goes out.
    fn connected(&mut self) -> io::Result<()> {
        let link = self.link.as_ref().expect("connecting with a link");
        // Not yet connected: a spurious wake-up.
        if !link.established()? {
            return Ok(());
        }
        self.first_request()
    }

    /// Sends the first request on a new link, keeping the dial's start time.
    fn first_request(&mut self) -> io::Result<()> {
        self.exchange.begin();
        self.sent = 0;
        self.phase = Phase::Exchanging;
        self.write()
    }

    /// Times and sends the next request on the same link.
    fn next_request(&mut self, ctx: &mut Context<'_>) {
        self.began = Instant::now();
        self.deadline = self.began + ctx.plan.timeout;
        if let Err(err) = self.first_request() {
            self.fail(&err, ctx);
        }
    }

    /// Writes what the socket takes of the rest of the request.
    fn write(&mut self) -> io::Result<()> {
        let link = self.link.as_mut().expect("exchanging with a link");
        let request = self.exchange.request();
        while self.sent < request.len() {
            match link.write(&request[self.sent..]) {
                Ok(0) => {
                    return Err(io::Error::new(io::ErrorKind::WriteZero, "the server stopped taking bytes"))
                }
                Ok(n) => self.sent += n,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
        Ok(())
    }

    /// Sends more of the request and reads what has arrived of the answer.
    fn exchange_step(&mut self, event: Event, ctx: &mut Context<'_>) -> io::Result<()> {
        if self.sent < self.exchange.request().len() {
            self.write()?;
        }
        if event.readable {
            if let Some(verdict) = self.read(ctx)? {
                self.finish(verdict, ctx);
            }
        }
        Ok(())
    }

    /// Reads until the answer is complete or the socket is drained. A
    /// short read means drained: edge-triggered epoll wakes the poller
    /// again when more bytes arrive.
    fn read(&mut self, ctx: &mut Context<'_>) -> io::Result<Option<Verdict>> {
        loop {
            let link = self.link.as_mut().expect("exchanging with a link");
            let n = match link.read(&mut ctx.scratch) {
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "closed before the answer was complete",
                    ))
                }
                Ok(n) => n,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(None),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            if let Step::Done { verdict, .. } = self.feed(&ctx.scratch[..n])? {
                return Ok(Some(verdict));
            }
            if n < ctx.scratch.len() {
                return Ok(None);
            }
        }
    }

    /// Offers the bytes read (after any kept from before) to the exchange
    /// and keeps what it did not use.
    fn feed(&mut self, chunk: &[u8]) -> io::Result<Step> {
        if self.pending.is_empty() {
            let step = self.exchange.answer(chunk)?;
            self.pending.extend_from_slice(&chunk[step.used()..]);
            return Ok(step);
        }
        self.pending.extend_from_slice(chunk);
        let step = self.exchange.answer(&self.pending)?;
        self.pending.drain(..step.used());
        Ok(step)
    }

    /// Counts a complete answer and goes on: the next request on the same
    /// link, or a new link (per request, or after a wrong answer).
    fn finish(&mut self, verdict: Verdict, ctx: &mut Context<'_>) {
        ctx.answered(verdict, self.began, Instant::now());
        if ctx.plan.per_request || verdict == Verdict::Wrong {
            self.close(ctx);
            self.dial(ctx);
        } else {
            self.next_request(ctx);
        }
    }

    /// Counts a failure and dials again (after a pause if the connect
    /// itself failed).
    fn fail(&mut self, err: &io::Error, ctx: &mut Context<'_>) {
        ctx.failed(err);
        let was_connecting = self.phase == Phase::Connecting;
        self.close(ctx);
        if was_connecting {
            self.phase = Phase::Paused(Instant::now() + RETRY_PAUSE);
        } else {
            self.dial(ctx);
        }
    }

    fn close(&mut self, ctx: &Context<'_>) {
        if let Some(link) = self.link.take() {
            link.deregister(ctx.poller);
        }
        self.phase = Phase::Closed;
    }
}
