//! One connection as the reactor holds it: the admitted request, the
//! protocol driving it, and how far its opening has come.

use crate::protocol::{Protocol, Wait, Wake};
use crate::request::Request;
use crate::server::serve_request::Admitted;
use std::time::Instant;

/// How far a connection's opening has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Opening {
    /// Its PROXY header is awaited until the deadline: `setup` has not
    /// run, so `finish` will not.
    Header(Option<Instant>),
    /// `setup` has run: the protocol steps it, and `finish` runs at its
    /// close.
    Open,
}

/// A connection and the protocol driving it.
pub(crate) struct Entry<R> {
    pub(crate) admitted: Admitted<R>,
    pub(crate) protocol: Box<dyn Protocol<R>>,
    pub(crate) opening: Opening,
}

impl<R: Request> Entry<R> {
    /// Runs one step of the protocol.
    pub(crate) fn step(&mut self, wake: Wake) -> Wait {
        self.protocol.step(&mut self.admitted.request, wake)
    }

    /// Whether `setup` has run.
    pub(crate) fn is_open(&self) -> bool {
        self.opening == Opening::Open
    }
}

impl<R> std::fmt::Debug for Entry<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry").field("id", &self.admitted.id).field("opening", &self.opening).finish()
    }
}
