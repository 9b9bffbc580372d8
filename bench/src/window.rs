//! The measured window of a run.

use std::time::Instant;

/// The measured window: answers completed inside it are counted.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// End of the warm-up.
    pub from: Instant,
    /// End of the run.
    pub until: Instant,
}
