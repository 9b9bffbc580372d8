//! The PROXY protocol stage: a connection's header is read before
//! `verify_request`, `setup` and its handler, so all of them see the
//! client's own address (see
//! [`ServerConfig::proxy_protocol`](crate::ServerConfig::proxy_protocol)).
//!
//! A connection driven by a protocol layer reads it in the reactor, in
//! non-blocking steps, waiting in the poller meanwhile (no thread held);
//! a raw handler's connection, which holds its thread anyway, reads it on
//! that thread. Either way the whole header must arrive within
//! `read_timeout`, and a connection without a valid one is closed and
//! logged at `debug`.

use super::serve_request::Context;
use crate::handle::Counters;
use crate::protocol::{poll_readable, Wake};
use crate::request::{non_zero, Request};
use crate::{RequestHandler, Transport};
use std::time::Instant;

/// Where a connection's header stands after a step.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum HeaderStep {
    /// Read, and the client it names was verified.
    Done,
    /// More of it is to come.
    Pending,
    /// Closed: no valid header in time, or `verify_request` refused.
    Refused,
}

impl<T: Transport, H: RequestHandler<T::Request>> Context<T, H> {
    /// Whether connections begin with a PROXY header.
    pub(crate) fn expects_header(&self) -> bool {
        self.shared.config.proxy_protocol && T::is_stream()
    }

    /// When the header of a connection accepted now must be whole.
    pub(crate) fn header_deadline(&self) -> Option<Instant> {
        non_zero(self.shared.config.read_timeout).map(|limit| Instant::now() + limit)
    }

    /// Runs `verify_request` on the request's peer; a refusal is logged.
    pub(crate) fn verified(&self, request: &T::Request) -> bool {
        let accepted = self.hooks.verify_request(request.peer_addr());
        if !accepted {
            log::debug!("verify_request refused {}", request.peer_addr());
            Counters::bump(&self.shared.counters.refused);
        }
        accepted
    }

    /// One non-blocking attempt at the header (the socket is
    /// non-blocking), for a connection waiting in the reactor.
    pub(crate) fn advance_header(
        &self,
        request: &mut T::Request,
        wake: Wake,
        deadline: Option<Instant>,
    ) -> HeaderStep {
        match request.read_proxy_header() {
            Ok(true) if self.verified(request) => HeaderStep::Done,
            Ok(true) => HeaderStep::Refused,
            Ok(false) if wake == Wake::TimedOut && deadline.is_some_and(|at| Instant::now() >= at) => {
                log::debug!(
                    "closing connection from {}: no whole PROXY header within read_timeout",
                    request.peer_addr()
                );
                HeaderStep::Refused
            }
            Ok(false) => HeaderStep::Pending,
            Err(err) => {
                log::debug!("closing connection from {}: {err}", request.peer_addr());
                HeaderStep::Refused
            }
        }
    }

    /// Reads the header on this thread, waiting for it up to
    /// `read_timeout`, then verifies the client; `false` when the
    /// connection is to be closed. Without `proxy_protocol`: `true` (the
    /// client was verified at accept).
    pub(crate) fn take_header_blocking(&self, request: &mut T::Request) -> bool {
        if !self.expects_header() {
            return true;
        }
        if let Err(err) = request.set_nonblocking(true) {
            log::debug!("cannot read the PROXY header from {}: {err}", request.peer_addr());
            return false;
        }
        let deadline = self.header_deadline();
        let mut wake = Wake::Start;
        let step = loop {
            match self.advance_header(request, wake, deadline) {
                HeaderStep::Pending => {}
                done => break done,
            }
            wake = match request.raw_fd() {
                Some(fd) => poll_readable(fd, deadline),
                None => Wake::TimedOut,
            };
        };
        step == HeaderStep::Done && request.set_nonblocking(false).is_ok()
    }
}
