//! The handshake as protocol steps, before the handler's protocol.

use super::plain_http::PlainHttpRefusal;
use super::TlsProgress;
use crate::protocol::{Protocol, Wait, Wake};
use crate::Connection;
use std::time::Instant;

/// Drives a TLS connection's handshake in non-blocking steps, then hands
/// the connection to the handler's protocol (its first step a
/// [`Wake::Start`], so a request that came with the last handshake
/// message is read at once). Until then the connection waits like an
/// idle one: a drain closes it, and its deadline is the handshake's. A
/// plain HTTP request (on a listener serving HTTP) is refused with a `400`
/// in plaintext, as nginx does, and the connection lingers, then closes.
pub(crate) struct Handshake {
    inner: Box<dyn Protocol<Connection>>,
    done: bool,
    refused: Option<PlainHttpRefusal>,
}

impl Handshake {
    pub(crate) fn new(inner: Box<dyn Protocol<Connection>>) -> Handshake {
        Handshake { inner, done: false, refused: None }
    }
}

impl Protocol<Connection> for Handshake {
    fn step(&mut self, conn: &mut Connection, wake: Wake) -> Wait {
        if self.done {
            return self.inner.step(conn, wake);
        }
        if let Some(refused) = &mut self.refused {
            return refused.step(conn, wake);
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
            Ok(TlsProgress::PlainHttp) => {
                let (refused, wait) = PlainHttpRefusal::answer(conn);
                self.refused = Some(refused);
                wait
            }
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
