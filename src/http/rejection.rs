//! A request the layer refuses before the application sees it.

/// A refusal: the status to send, and what was wrong in words the client
/// can act on. The connection is closed after it, since the rest of what
/// the client sent can no longer be trusted to be framed as it says.
#[derive(Debug)]
pub(super) struct Rejection {
    pub(super) status: u16,
    pub(super) message: String,
}

impl Rejection {
    pub(super) fn new(status: u16, message: impl Into<String>) -> Rejection {
        Rejection { status, message: message.into() }
    }
}
