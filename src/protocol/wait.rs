//! What a protocol waits for between steps.

use std::time::Instant;

/// What a [`Protocol`](super::Protocol) waits for after a step, and until
/// when. `None` as a deadline waits without limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Wait {
    /// Between requests: nothing of the next one has arrived. The server
    /// closes such a connection at once when it drains.
    Idle(Option<Instant>),
    /// The rest of a request (or a closing connection's last bytes): a
    /// drain lets it run until the drain deadline.
    Read(Option<Instant>),
    /// Room in the socket to write the rest of a reply.
    Write(Option<Instant>),
    /// Nothing more: the server closes the connection.
    Close,
}

impl Wait {
    /// The deadline of this wait, if it has one.
    pub fn deadline(self) -> Option<Instant> {
        match self {
            Wait::Idle(at) | Wait::Read(at) | Wait::Write(at) => at,
            Wait::Close => None,
        }
    }
}
