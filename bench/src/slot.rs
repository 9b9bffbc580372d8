//! One connection of a load thread, whichever kind it is.

use super::attack::{PipelineFlooder, SlowClient, SlowReader};
use super::client::Client;
use super::context::Context;
use super::fresh::FreshProbe;
use polling::Event;
use std::time::Instant;

/// A thread's connection: its index in the thread is its poller key.
#[derive(Debug)]
pub enum Slot {
    /// A measured closed-loop client.
    Client(Client),
    /// A `--slow` attacker.
    Slow(SlowClient),
    /// A `--slow-read` attacker.
    SlowRead(SlowReader),
    /// A `--pipeline-flood` attacker.
    Flood(PipelineFlooder),
    /// The fresh client of `--windows`.
    Fresh(FreshProbe),
}

impl Slot {
    /// Connects before the run.
    pub fn prepare(&mut self, ctx: &mut Context<'_>) {
        match self {
            Slot::Client(client) => client.prepare(ctx),
            Slot::Slow(slow) => slow.prepare(ctx),
            Slot::SlowRead(reader) => reader.prepare(ctx),
            Slot::Flood(flooder) => flooder.prepare(ctx),
            Slot::Fresh(_) => {}
        }
    }

    /// The run has started.
    pub fn start(&mut self, ctx: &mut Context<'_>) {
        match self {
            Slot::Client(client) => client.start(ctx),
            Slot::Slow(slow) => slow.on_tick(Instant::now(), ctx),
            Slot::SlowRead(reader) => reader.on_event(ctx),
            Slot::Flood(flooder) => flooder.start(ctx),
            Slot::Fresh(probe) => probe.start(ctx),
        }
    }

    /// Its socket is ready.
    pub fn on_event(&mut self, event: Event, ctx: &mut Context<'_>) {
        match self {
            Slot::Client(client) => client.on_event(event, ctx),
            Slot::Slow(slow) => slow.on_event(event, ctx),
            Slot::SlowRead(reader) => reader.on_event(ctx),
            Slot::Flood(flooder) => flooder.on_event(ctx),
            Slot::Fresh(probe) => probe.on_event(event, ctx),
        }
    }

    /// Time has passed: deadlines, pauses, the slow client's next byte.
    pub fn on_tick(&mut self, now: Instant, ctx: &mut Context<'_>) {
        match self {
            Slot::Client(client) => client.on_tick(now, ctx),
            Slot::Slow(slow) => slow.on_tick(now, ctx),
            Slot::SlowRead(reader) => reader.on_tick(now, ctx),
            Slot::Flood(flooder) => flooder.on_tick(now, ctx),
            Slot::Fresh(probe) => probe.on_tick(now, ctx),
        }
    }

    /// Another turn, asked for through [`Context::again`].
    pub fn on_again(&mut self, ctx: &mut Context<'_>) {
        if let Slot::Flood(flooder) = self {
            flooder.on_again(ctx);
        }
    }

    /// The run has ended: adds an attacker's state to `ctx`, judges a
    /// fresh client still out.
    pub fn finish(&mut self, ctx: &mut Context<'_>) {
        match self {
            Slot::Client(_) => {}
            Slot::Fresh(probe) => probe.finish(ctx),
            Slot::Flood(flooder) => {
                ctx.attack.pipeline_flood += 1;
                ctx.attack.pipeline_flood_open += usize::from(flooder.is_open());
            }
            Slot::Slow(slow) => {
                ctx.attack.slow += 1;
                ctx.attack.slow_open += usize::from(slow.is_open());
            }
            Slot::SlowRead(reader) => {
                ctx.attack.slow_read += 1;
                ctx.attack.slow_read_open += usize::from(reader.is_open());
            }
        }
    }
}
