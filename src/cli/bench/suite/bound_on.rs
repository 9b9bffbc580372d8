//! Where a server under test announces its address.

/// Where a server prints its `bound=ADDR` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundOn {
    /// Standard output (the reference server).
    Stdout,
    /// Standard error, in its log (the bundled servers).
    Stderr,
}
