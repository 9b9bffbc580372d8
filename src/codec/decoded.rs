//! What one call to a codec's `decode` found.

/// The result of one [`Codec::decode`](crate::Codec::decode).
///
/// # Examples
///
/// ```
/// use socketserver::codec::Decoded;
///
/// let found: Decoded<&[u8]> = Decoded::Message { message: b"ping", consumed: 6 };
/// assert_eq!(found.consumed(), 6);
/// assert_eq!(Decoded::<()>::NeedMore.consumed(), 0);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decoded<M> {
    /// A whole message at the front of the input, and how many bytes it
    /// used up (its framing included). The engine hands the message to
    /// the handler, then drops those bytes.
    Message {
        /// The message, which may borrow from the input.
        message: M,
        /// Bytes used up, from the front: at least 1.
        consumed: usize,
    },
    /// Bytes to drop with no message: a value being swallowed after the
    /// codec refused it, padding, a keep-alive. At least 1.
    Skip(usize),
    /// The input holds no whole message yet: the engine reads more
    /// (within its limits) and calls again.
    NeedMore,
}

impl<M> Decoded<M> {
    /// How many bytes this result uses up.
    pub fn consumed(&self) -> usize {
        match self {
            Decoded::Message { consumed, .. } => *consumed,
            Decoded::Skip(skipped) => *skipped,
            Decoded::NeedMore => 0,
        }
    }
}
