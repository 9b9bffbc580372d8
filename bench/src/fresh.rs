//! The fresh client of `--windows`: once per second of the measured run a
//! brand-new connection sends one request. It counts as served when its
//! whole, correct answer arrived within that second. A server that keeps
//! its old connections busy but cannot take a new one, or takes it and
//! never gets to it, fails here while its req/s may look fine.

use super::context::Context;
use super::exchange::{Exchange, Step, Verdict};
use super::link::Link;
use super::plan::LoadPlan;
use polling::Event;
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

/// How often a fresh client is sent, and how long it has to be answered.
pub const PROBE_EVERY: Duration = Duration::from_secs(1);

/// The probing connection of one run (one, on the first event loop).
#[derive(Debug)]
pub struct FreshProbe {
    key: usize,
    exchange: Box<dyn Exchange>,
    link: Option<Link>,
    /// Answer bytes received and not used yet.
    pending: Vec<u8>,
    connected: bool,
    sent: usize,
    started: Instant,
    deadline: Instant,
    /// When the next probe is due; `None` before the run.
    next: Option<Instant>,
}

impl FreshProbe {
    /// A probe under poller key `key`, asking what the normal clients ask.
    pub fn new(key: usize, plan: &LoadPlan) -> FreshProbe {
        let now = Instant::now();
        FreshProbe {
            key,
            exchange: plan.request.exchange(plan.addr, false),
            link: None,
            pending: Vec::new(),
            connected: false,
            sent: 0,
            started: now,
            deadline: now,
            next: None,
        }
    }

    /// The run has started: the first probe is due when measuring begins.
    pub fn start(&mut self, ctx: &mut Context<'_>) {
        self.next = ctx.window.map(|w| w.from);
        self.on_tick(Instant::now(), ctx);
    }

    /// Judges a probe whose second is over; sends the next when its second
    /// has begun and the whole second fits in the run.
    pub fn on_tick(&mut self, now: Instant, ctx: &mut Context<'_>) {
        if self.link.is_some() && now >= self.deadline {
            self.judge(false, ctx);
        }
        let (Some(next), Some(window)) = (self.next, ctx.window) else { return };
        if self.link.is_some() || now < next {
            return;
        }
        // The second probed is the one scheduled (ticks come a few
        // milliseconds late); seconds the loop missed altogether are skipped.
        let mut second = next;
        while second + PROBE_EVERY <= now {
            second += PROBE_EVERY;
        }
        self.next = Some(second + PROBE_EVERY);
        if second + PROBE_EVERY <= window.until {
            self.launch(second, ctx);
        }
    }

    /// The connect finished, or answer bytes arrived.
    pub fn on_event(&mut self, event: Event, ctx: &mut Context<'_>) {
        match self.step(event, ctx) {
            Ok(None) => {}
            Ok(Some(verdict)) => {
                let served = verdict == Verdict::Correct && Instant::now() <= self.deadline;
                self.judge(served, ctx);
            }
            Err(_) => self.judge(false, ctx),
        }
    }

    /// The run has ended: a probe still out gets a last look at its socket,
    /// and is judged unserved if its answer is not complete.
    pub fn finish(&mut self, ctx: &mut Context<'_>) {
        if self.link.is_some() {
            self.on_event(Event::all(self.key), ctx);
        }
        if self.link.is_some() {
            self.judge(false, ctx);
        }
    }

    /// Sends a new client for the second that starts at `second`.
    fn launch(&mut self, second: Instant, ctx: &mut Context<'_>) {
        self.started = second;
        self.deadline = second + PROBE_EVERY;
        self.exchange.reset();
        self.exchange.begin();
        self.pending.clear();
        self.sent = 0;
        let dialed = ctx.plan.request.dial(ctx.plan.addr);
        match dialed.and_then(|link| link.register(ctx.poller, self.key).map(|()| link)) {
            Ok(link) => {
                self.connected = ctx.plan.request.is_datagram();
                self.link = Some(link);
                if self.connected {
                    self.on_event(Event::writable(self.key), ctx);
                }
            }
            Err(_) => {
                if let Some(timeline) = ctx.timeline.as_mut() {
                    timeline.probe(second, false);
                }
            }
        }
    }

    /// Finishes the connect, sends what is left of the request, reads what
    /// arrived; the verdict once the answer is complete.
    fn step(&mut self, event: Event, ctx: &mut Context<'_>) -> io::Result<Option<Verdict>> {
        let Some(link) = self.link.as_mut() else { return Ok(None) };
        if !self.connected {
            if !link.established()? {
                return Ok(None);
            }
            self.connected = true;
        }
        let request = self.exchange.request();
        while self.sent < request.len() {
            match link.write(&request[self.sent..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => self.sent += n,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(None),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
        if !event.readable {
            return Ok(None);
        }
        loop {
            let n = match link.read(&mut ctx.scratch) {
                Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
                Ok(n) => n,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(None),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            self.pending.extend_from_slice(&ctx.scratch[..n]);
            match self.exchange.answer(&self.pending)? {
                Step::Done { verdict, .. } => return Ok(Some(verdict)),
                Step::More { used } => {
                    self.pending.drain(..used);
                }
            }
        }
    }

    /// Counts the probe in the window it started in and closes it.
    fn judge(&mut self, served: bool, ctx: &mut Context<'_>) {
        if let Some(timeline) = ctx.timeline.as_mut() {
            timeline.probe(self.started, served);
        }
        if let Some(link) = self.link.take() {
            link.deregister(ctx.poller);
        }
        self.connected = false;
    }
}
