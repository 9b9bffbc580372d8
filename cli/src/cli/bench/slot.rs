//! One connection of a load thread, whichever kind it is.

use super::attack::{SlowClient, SlowReader};
use super::client::Client;
use super::context::Context;
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
}

impl Slot {
    /// Connects before the run.
    pub fn prepare(&mut self, ctx: &mut Context<'_>) {
        match self {
            Slot::Client(client) => client.prepare(ctx),
            Slot::Slow(slow) => slow.prepare(ctx),
            Slot::SlowRead(reader) => reader.prepare(ctx),
        }
    }

    /// The run has started.
    pub fn start(&mut self, ctx: &mut Context<'_>) {
        match self {
            Slot::Client(client) => client.start(ctx),
            Slot::Slow(slow) => slow.on_tick(Instant::now(), ctx),
            Slot::SlowRead(reader) => reader.on_event(Event::writable(0), ctx),
        }
    }

    /// Its socket is ready.
    pub fn on_event(&mut self, event: Event, ctx: &mut Context<'_>) {
        match self {
            Slot::Client(client) => client.on_event(event, ctx),
            Slot::Slow(slow) => slow.on_event(event, ctx),
            Slot::SlowRead(reader) => reader.on_event(event, ctx),
        }
    }

    /// Time has passed: deadlines, pauses, the slow client's next byte.
    pub fn on_tick(&mut self, now: Instant, ctx: &mut Context<'_>) {
        match self {
            Slot::Client(client) => client.on_tick(now, ctx),
            Slot::Slow(slow) => slow.on_tick(now, ctx),
            Slot::SlowRead(reader) => reader.on_tick(now, ctx),
        }
    }

    /// Adds an attacker's state at the end of the run to `ctx`.
    pub fn count_open(&self, ctx: &mut Context<'_>) {
        match self {
            Slot::Client(_) => {}
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
