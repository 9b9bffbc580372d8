//! How far an answer has got.

use super::Verdict;

/// The result of feeding received bytes to an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The answer is not complete; `used` bytes were taken.
    More {
        /// Bytes taken from the front of those offered.
        used: usize,
    },
    /// The answer is complete after `used` bytes.
    Done {
        /// Bytes taken from the front of those offered.
        used: usize,
        /// Whether it was the right answer.
        verdict: Verdict,
    },
}

impl Step {
    /// Bytes taken from the front of those offered.
    pub fn used(self) -> usize {
        match self {
            Step::More { used } | Step::Done { used, .. } => used,
        }
    }
}
