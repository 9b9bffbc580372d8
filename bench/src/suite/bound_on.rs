//! Where a server under test announces its address.

use std::net::SocketAddr;

/// Where a server's address is learnt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundOn {
    /// A `bound=ADDR` line on standard output (the reference, tokio and
    /// hyper servers).
    Stdout,
    /// A `bound=ADDR` line on standard error, in its log (the bundled
    /// servers).
    Stderr,
    /// Nowhere: it was given this address, and listens once a connect
    /// succeeds (nginx).
    Port(SocketAddr),
}
