//! What a protocol waits for between steps.

use std::time::Instant;

/// What a [`Protocol`](super::Protocol) waits for after a step, and until
/// when. `None` as a deadline waits without limit.
///
/// The server derives a connection's state from it (see
/// `docs/reactor.md`): [`Idle`](Wait::Idle) and [`Linger`](Wait::Linger)
/// are between requests, [`Read`](Wait::Read), [`Write`](Wait::Write) and
/// [`Yield`](Wait::Yield) have a request under way, which a drain lets
/// finish until its deadline and counts in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Wait {
    /// Between requests: nothing of the next one has arrived. The server
    /// closes such a connection at once when it drains (after one last
    /// [`Wake::Drain`](super::Wake::Drain) step that reads what may have
    /// come meanwhile).
    Idle(Option<Instant>),
    /// The rest of a request: a drain lets it run until the drain
    /// deadline.
    Read(Option<Instant>),
    /// Room in the socket to write the rest of a reply.
    Write(Option<Instant>),
    /// The step used its budget (a bounded number of requests per step)
    /// with work left: the connection goes to the back of the ready
    /// queue, behind every other connection ready now, and is stepped
    /// again with [`Wake::Ready`](super::Wake::Ready). No client, however
    /// fast it sends, holds a thread longer than one budget.
    Yield,
    /// The last answer is written and the write side shut: what the
    /// client still sends is read and dropped until the deadline, so no
    /// reset destroys the answer in flight. Not a request: a drain does
    /// not count it.
    Linger(Instant),
    /// Nothing more: the server closes the connection.
    Close,
}

impl Wait {
    /// The deadline of this wait, if it has one.
    pub fn deadline(self) -> Option<Instant> {
        match self {
            Wait::Idle(at) | Wait::Read(at) | Wait::Write(at) => at,
            Wait::Linger(at) => Some(at),
            Wait::Yield | Wait::Close => None,
        }
    }

    /// Whether a request is under way: bytes of it arrived, or its answer
    /// is still being written (or the step stopped at its budget).
    pub fn in_request(self) -> bool {
        matches!(self, Wait::Read(_) | Wait::Write(_) | Wait::Yield)
    }
}
