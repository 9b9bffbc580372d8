//! Why a byte stream could not be split into messages.

use std::fmt;

/// A message that broke the framing rules. The connection is closed after
/// the handler's [`bad_message`](crate::MessageHandler::bad_message)
/// reply, since the stream can no longer be trusted to be in step.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FrameError {
    /// A message longer than the limit; `announced` is the length a
    /// length prefix claimed, when there was one.
    TooLong {
        /// The limit, in bytes.
        limit: usize,
        /// The length the prefix announced.
        announced: Option<u64>,
    },
    /// The stream ended in the middle of a message.
    Truncated {
        /// Bytes the message needed.
        expected: usize,
        /// Bytes that arrived.
        received: usize,
    },
    /// The stream ended in the middle of a message of a
    /// [`Codec`](crate::Codec) that does not know its length.
    Ended {
        /// Bytes of the message that arrived.
        received: usize,
    },
    /// Input a [`Codec`](crate::Codec) refused, and why: see
    /// [`FrameError::invalid`].
    Invalid(String),
}

impl FrameError {
    /// Input that breaks a codec's protocol, with a reason for people
    /// (what was wrong, and what is accepted).
    ///
    /// # Examples
    ///
    /// ```
    /// use socketserver::FrameError;
    ///
    /// let error = FrameError::invalid("a length prefix must be digits");
    /// assert_eq!(error.to_string(), "a length prefix must be digits");
    /// ```
    pub fn invalid(reason: impl Into<String>) -> FrameError {
        FrameError::Invalid(reason.into())
    }
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::TooLong { limit, announced: Some(len) } => {
                write!(f, "message of {len} bytes announced; the limit is {limit} bytes")
            }
            FrameError::TooLong { limit, announced: None } => {
                write!(f, "message longer than the limit of {limit} bytes")
            }
            FrameError::Truncated { expected, received } => {
                write!(f, "stream ended mid-message: {received} of {expected} bytes arrived")
            }
            FrameError::Ended { received } => {
                write!(f, "stream ended mid-message after {received} bytes")
            }
            FrameError::Invalid(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for FrameError {}
