//! The handshake as protocol steps, before the handler's protocol.

use super::TlsProgress;
use crate::protocol::{Protocol, Wait, Wake};
use crate::Connection;
use std::time::Instant;

/// Drives a TLS connection's handshake in non-blocking steps, then hands
/// the connection to the handler's protocol (its first step a
/// [`Wake::Start`], so a request that came with the last handshake
/// message is read at once). Until then the connection waits like an
/// idle one: a drain closes it, and its deadline is the handshake's.
pub(crate) struct Handshake {
    inner: Box<dyn Protocol<Connection>>,
    done: bool,
}

impl Handshake {
    pub(crate) fn new(inner: Box<dyn Protocol<Connection>>) -> Handshake {
        Handshake { inner, done: false }
    }
}

impl Protocol<Connection> for Handshake {
    fn step(&mut self, conn: &mut Connection, wake: Wake) -> Wait {
        if self.done {
            return self.inner.step(conn, wake);
        }
        let Some(tls) = conn.stream().tls() else {
            self.done = true;
            return self.inner.step(conn, wake);
        };
        if wake == Wake::Drain {
            log::debug!("closed a TLS handshake with {}: the server drains", conn.peer_addr());
            return Wait::Close;
        }
        match tls.progress() {
            Ok(TlsProgress::Done) => {
                self.done = true;
                self.inner.step(conn, Wake::Start)
            }
            Ok(TlsProgress::Read(at)) => wait_or_close(conn, wake, at, Wait::Idle(Some(at))),
            Ok(TlsProgress::Write(at)) => wait_or_close(conn, wake, at, Wait::Write(Some(at))),
            Err(err) => {
                log::debug!("TLS handshake with {} failed: {err}", conn.peer_addr());
                Wait::Close
            }
        }
    }
}

fn wait_or_close(conn: &Connection, wake: Wake, at: Instant, wait: Wait) -> Wait {
    if wake == Wake::TimedOut && Instant::now() >= at {
        log::debug!("closed a TLS handshake with {}: not finished by its deadline", conn.peer_addr());
        return Wait::Close;
    }
    wait
}
