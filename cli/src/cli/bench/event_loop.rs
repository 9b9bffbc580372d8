//! One load thread: its share of the connections, driven by one poller.

use super::attack::{AttackStats, SlowClient, SlowReader};
use super::client::Client;
use super::context::Context;
use super::plan::LoadPlan;
use super::progress::Progress;
use super::slot::Slot;
use super::stats::WorkerStats;
use super::window::Window;
use crossbeam_channel::{Receiver, Sender};
use polling::{Events, Poller};
use std::io;
use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

/// How often deadlines, pauses and slow clients' bytes are looked at.
const TICK: Duration = Duration::from_millis(10);
/// Most events taken from the poller at once.
const EVENTS: usize = 1024;

/// Thread `index` of `threads`: the connections whose number modulo
/// `threads` is `index`, of each kind.
#[derive(Debug)]
pub struct EventLoop<'a> {
    poller: Poller,
    slots: Vec<Slot>,
    plan: &'a LoadPlan,
    progress: &'a Progress,
}

impl<'a> EventLoop<'a> {
    /// The thread's poller and connections, none connected yet.
    ///
    /// # Errors
    ///
    /// When the poller cannot be created.
    pub fn new(plan: &'a LoadPlan, progress: &'a Progress, index: usize) -> io::Result<EventLoop<'a>> {
        let poller = Poller::new()?;
        let share = |count: usize| (0..count).filter(|i| i % plan.threads == index).count();
        let mut slots = Vec::new();
        for _ in 0..share(plan.conns) {
            slots.push(Slot::Client(Client::new(slots.len(), plan)));
        }
        for _ in 0..share(plan.slow) {
            slots.push(Slot::Slow(SlowClient::new(slots.len(), plan.request.drip(plan.addr))));
        }
        for _ in 0..share(plan.slow_read) {
            slots.push(Slot::SlowRead(SlowReader::new(slots.len(), plan.request.pipelined(plan.addr))));
        }
        Ok(EventLoop { poller, slots, plan, progress })
    }

    /// Connects, says it is ready, waits for the start, then drives every
    /// connection until the window ends.
    pub fn run(mut self, ready: Sender<()>, start: Receiver<Window>) -> (WorkerStats, AttackStats) {
        let mut ctx = Context::new(&self.poller, self.plan, self.progress);
        for slot in &mut self.slots {
            slot.prepare(&mut ctx);
        }
        let _ = ready.send(());
        if let Ok(window) = start.recv() {
            ctx.window = Some(window);
            for slot in &mut self.slots {
                slot.start(&mut ctx);
            }
            drive(&mut self.slots, &mut ctx, window.until);
        }
        for slot in &self.slots {
            slot.count_open(&mut ctx);
        }
        (ctx.stats, ctx.attack)
    }
}

/// Waits for readiness and hands each event to its connection, with a
/// tick for deadlines, until `until`.
fn drive(slots: &mut [Slot], ctx: &mut Context<'_>, until: Instant) {
    let mut events = Events::with_capacity(NonZeroUsize::new(EVENTS).expect("not zero"));
    let mut next_tick = Instant::now() + TICK;
    loop {
        let now = Instant::now();
        if now >= until {
            return;
        }
        if now >= next_tick {
            for slot in slots.iter_mut() {
                slot.on_tick(now, ctx);
            }
            next_tick = now + TICK;
        }
        events.clear();
        let wake = next_tick.min(until);
        if ctx.poller.wait(&mut events, Some(wake.saturating_duration_since(now))).is_err() {
            continue;
        }
        for event in events.iter() {
            if let Some(slot) = slots.get_mut(event.key) {
                slot.on_event(event, ctx);
            }
        }
    }
}
