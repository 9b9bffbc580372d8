//! One load thread: its share of the connections, driven by one poller.

use super::attack::{AttackStats, FloodBlock, PipelineFlooder, SlowClient, SlowReader, FLOOD_PER_ROUND};
use super::client::Client;
use super::context::Context;
use super::fresh::FreshProbe;
use super::plan::LoadPlan;
use super::progress::Progress;
use super::slot::Slot;
use super::stats::WorkerStats;
use super::timeline::Timeline;
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
        if plan.pipeline_flood > 0 {
            let block = FloodBlock::new(&plan.request.flood(plan.addr));
            for _ in 0..share(plan.pipeline_flood) {
                slots.push(Slot::Flood(PipelineFlooder::new(slots.len(), block.clone())));
            }
        }
        if plan.windows.is_some() && index == 0 {
            slots.push(Slot::Fresh(FreshProbe::new(slots.len(), plan)));
        }
        Ok(EventLoop { poller, slots, plan, progress })
    }

    /// Connects, says it is ready, waits for the start, then drives every
    /// connection until the window ends.
    pub fn run(mut self, ready: Sender<()>, start: Receiver<Window>) -> Counted {
        let mut ctx = Context::new(&self.poller, self.plan, self.progress);
        for slot in &mut self.slots {
            slot.prepare(&mut ctx);
        }
        let _ = ready.send(());
        if let Ok(window) = start.recv() {
            ctx.window = Some(window);
            ctx.timeline = self.plan.windows.map(|each| Timeline::new(window, each));
            for slot in &mut self.slots {
                slot.start(&mut ctx);
            }
            drive(&mut self.slots, &mut ctx, window.until);
        }
        for slot in &mut self.slots {
            slot.finish(&mut ctx);
        }
        Counted { stats: ctx.stats, attack: ctx.attack, timeline: ctx.timeline }
    }
}

/// What one event loop counted.
#[derive(Debug)]
pub struct Counted {
    /// The normal clients' counts and latencies.
    pub stats: WorkerStats,
    /// What its attacking connections did.
    pub attack: AttackStats,
    /// Its counts per window, with `--windows`.
    pub timeline: Option<Timeline>,
}

/// Waits for readiness and hands each event to its connection, with a
/// tick for deadlines, until `until`. Connections that asked for another
/// turn get it after the events, and the poller is then asked without
/// waiting, so they go round with the others.
fn drive(slots: &mut [Slot], ctx: &mut Context<'_>, until: Instant) {
    let mut events = Events::with_capacity(NonZeroUsize::new(EVENTS).expect("not zero"));
    let mut turns = Vec::new();
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
        let wake = if ctx.again.is_empty() { next_tick.min(until) } else { now };
        if ctx.poller.wait(&mut events, Some(wake.saturating_duration_since(now))).is_err() {
            continue;
        }
        ctx.flood_budget = FLOOD_PER_ROUND;
        for event in events.iter() {
            if let Some(slot) = slots.get_mut(event.key) {
                slot.on_event(event, ctx);
            }
        }
        std::mem::swap(&mut turns, &mut ctx.again);
        for key in turns.drain(..) {
            if let Some(slot) = slots.get_mut(key) {
                slot.on_again(ctx);
            }
        }
    }
}
