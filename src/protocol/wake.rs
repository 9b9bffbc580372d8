//! Why a protocol step runs.

/// Why the server runs a [`Protocol`](super::Protocol) step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Wake {
    /// The connection was just accepted. A client that sends its request
    /// with the connection has bytes waiting already, so read at once.
    Start,
    /// What the last [`Wait`](super::Wait) asked for happened (or may
    /// have: readiness can be spurious).
    Ready,
    /// The deadline of the last wait passed.
    TimedOut,
    /// The server began draining while the connection waited between
    /// requests ([`Wait::Idle`](super::Wait::Idle)). A request may have
    /// arrived just now: read, and serve it if it did. An idle wait
    /// returned while the server drains closes the connection.
    Drain,
}
