//! `--slow-read`: a connection that pipelines requests as fast as the
//! server takes them and never reads an answer, with a small receive
//! buffer so the answers back up into the server.

use super::{REOPEN_PAUSE, SLOW_READ_BUFFER};
use crate::context::Context;
use crate::link::Link;
use std::io::{self, Write};
use std::time::Instant;

/// Most bytes written in one wake-up; the rest waits for the next tick,
/// so one reader cannot hold up the thread's other connections.
const BURST: usize = 64 * 1024;

/// One slow reader.
#[derive(Debug)]
pub struct SlowReader {
    key: usize,
    link: Option<Link>,
    connected: bool,
    request: Vec<u8>,
    offset: usize,
    /// Stopped at `BURST` rather than at a full socket: write more on the tick.
    more: bool,
    reopen_at: Instant,
}

impl SlowReader {
    /// A slow reader under poller key `key`, repeating `request`.
    pub fn new(key: usize, request: Vec<u8>) -> SlowReader {
        let now = Instant::now();
        SlowReader { key, link: None, connected: false, request, offset: 0, more: false, reopen_at: now }
    }

    /// Before the run: connects (blocking, bounded by the timeout).
    pub fn prepare(&mut self, ctx: &mut Context<'_>) {
        if let Ok(link) = Link::connect(ctx.plan.addr, ctx.plan.timeout, Some(SLOW_READ_BUFFER)) {
            if link.register(ctx.poller, self.key).is_ok() {
                self.link = Some(link);
                self.connected = true;
            }
        }
    }

    /// Whether it is connected now.
    pub fn is_open(&self) -> bool {
        self.connected
    }

    /// Connect finished, or the server took bytes (or closed).
    pub fn on_event(&mut self, ctx: &mut Context<'_>) {
        let Some(link) = self.link.as_ref() else { return };
        if !self.connected {
            match link.established() {
                Ok(true) => self.connected = true,
                Ok(false) => return,
                Err(_) => return self.lost(ctx),
            }
        }
        self.pump(ctx);
    }

    /// Writes more after a burst; reopens a lost connection.
    pub fn on_tick(&mut self, now: Instant, ctx: &mut Context<'_>) {
        if self.link.is_none() && now >= self.reopen_at {
            self.reopen(ctx);
        } else if self.connected && self.more {
            self.pump(ctx);
        }
    }

    /// Writes requests until the socket is full or a burst is sent.
    fn pump(&mut self, ctx: &mut Context<'_>) {
        let link = self.link.as_mut().expect("connected with a link");
        let mut written = 0;
        self.more = false;
        while written < BURST {
            match link.write(&self.request[self.offset..]) {
                Ok(n) if n > 0 => {
                    written += n;
                    self.offset = (self.offset + n) % self.request.len();
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => break,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                _ => {
                    ctx.attack.slow_read_bytes += written as u64;
                    return self.lost(ctx);
                }
            }
        }
        self.more = written >= BURST;
        ctx.attack.slow_read_bytes += written as u64;
    }

    fn reopen(&mut self, ctx: &mut Context<'_>) {
        self.offset = 0;
        let dialed = Link::dial(ctx.plan.addr, Some(SLOW_READ_BUFFER))
            .and_then(|link| link.register(ctx.poller, self.key).map(|()| link));
        match dialed {
            Ok(link) => self.link = Some(link),
            Err(_) => self.reopen_at = Instant::now() + REOPEN_PAUSE,
        }
    }

    /// The server closed it (or refused it): count, and reopen later.
    fn lost(&mut self, ctx: &mut Context<'_>) {
        ctx.attack.slow_read_closed += 1;
        if let Some(link) = self.link.take() {
            link.deregister(ctx.poller);
        }
        self.connected = false;
        self.more = false;
        self.reopen_at = Instant::now() + REOPEN_PAUSE;
    }
}
