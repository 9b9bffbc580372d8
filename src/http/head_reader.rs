//! Reading a request head off a byte source, within its time limits.

use super::head::{parse_head, RequestHead};
use super::rejection::Rejection;
use super::stop::Stop;
use super::HttpLimits;
use crate::request::Source;
use crate::request::{Filled, ReadBuffer};
use std::time::{Duration, Instant};

/// How long reading a head may wait; `None` waits forever.
#[derive(Clone, Copy, Debug)]
pub(super) struct HeadWaits {
    /// For the first byte (the server's `idle_timeout`).
    pub(super) idle: Option<Duration>,
    /// For the whole head once it has begun (`header_timeout`, else the
    /// server's `read_timeout`).
    pub(super) head: Option<Duration>,
}

/// Reads until a whole head has arrived: waits `waits.idle` for its first
/// byte, then `waits.head` for the rest.
///
/// # Errors
///
/// A quiet stop when the client closes or stays idle; a rejection for a
/// head that breaks a limit, is malformed, or is too slow (408).
pub(super) fn read_head(
    input: &mut ReadBuffer,
    source: &mut dyn Source,
    limits: &HttpLimits,
    waits: HeadWaits,
) -> Result<RequestHead, Stop> {
    let mut began: Option<Instant> = None;
    loop {
        if !input.pending().is_empty() {
            if let Some((head, len)) = parse_head(input.pending(), limits)? {
                input.consume(len);
                return Ok(head);
            }
            began.get_or_insert_with(Instant::now);
        }
        let timeout = match began {
            None => waits.idle,
            Some(began) => waits.head.map(|limit| limit.saturating_sub(began.elapsed())),
        };
        match (input.fill(source, timeout)?, began) {
            (Filled::Data, _) => {}
            (Filled::Eof, None) => return Err(Stop::Quiet("the client closed the connection")),
            (Filled::Eof, Some(_)) => return Err(Stop::Quiet("the client closed the connection mid-head")),
            (Filled::TimedOut, None) => return Err(Stop::Quiet("idle longer than idle_timeout")),
            (Filled::TimedOut, Some(began)) => {
                return Err(Stop::Reject(Rejection::new(
                    408,
                    format!("the request head did not arrive within {:?}", began.elapsed()),
                )))
            }
        }
    }
}
