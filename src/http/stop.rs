//! Why a connection's request loop ends early.

use super::rejection::Rejection;
use std::io;

/// The ways a connection ends other than a response with keep-alive off.
#[derive(Debug)]
pub(super) enum Stop {
    /// Close without a word: the client closed, or stayed idle.
    Quiet(&'static str),
    /// Answer with an error status, then close.
    Reject(Rejection),
    /// The socket failed.
    Io(io::Error),
}

impl From<io::Error> for Stop {
    fn from(err: io::Error) -> Stop {
        Stop::Io(err)
    }
}

impl From<Rejection> for Stop {
    fn from(rejection: Rejection) -> Stop {
        Stop::Reject(rejection)
    }
}
