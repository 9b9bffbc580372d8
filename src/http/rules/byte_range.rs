//! One satisfiable range of a representation (RFC 9110 §14.1.2).

use std::ops::RangeInclusive;

/// Bytes `first..=last` of a representation of `complete_length` bytes,
/// as [`Ranges`](super::Ranges) chose them: never empty, never past the
/// end.
///
/// # Examples
///
/// ```
/// use socketserver::http::Ranges;
///
/// let Ranges::Single(range) = Ranges::parse("bytes=-5", 20) else { unreachable!() };
/// assert_eq!((range.first(), range.last(), range.len()), (15, 19, 5));
/// assert_eq!(range.content_range(), "bytes 15-19/20");
/// assert_eq!(&b"hello, static world\n"[range.indices()], b"orld\n");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByteRange {
    first: u64,
    last: u64,
    complete_length: u64,
}

impl ByteRange {
    /// `first..=last` of `complete_length`; callers keep
    /// `first <= last < complete_length`.
    pub(crate) fn new(first: u64, last: u64, complete_length: u64) -> ByteRange {
        debug_assert!(first <= last && last < complete_length);
        ByteRange { first, last, complete_length }
    }

    /// The offset of the first byte.
    pub fn first(&self) -> u64 {
        self.first
    }

    /// The offset of the last byte (inclusive, as HTTP writes ranges).
    pub fn last(&self) -> u64 {
        self.last
    }

    /// How many bytes: `last - first + 1`, at least 1.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> u64 {
        self.last - self.first + 1
    }

    /// The length of the whole representation.
    pub fn complete_length(&self) -> u64 {
        self.complete_length
    }

    /// The `Content-Range` field value: `bytes 15-19/20`.
    pub fn content_range(&self) -> String {
        format!("bytes {}-{}/{}", self.first, self.last, self.complete_length)
    }

    /// The range as indices into a body held in memory:
    /// `&body[range.indices()]`.
    ///
    /// # Panics
    ///
    /// Panics if an offset does not fit in `usize`, which cannot happen
    /// for a range of a body in memory.
    pub fn indices(&self) -> RangeInclusive<usize> {
        let index = |offset: u64| usize::try_from(offset).expect("a range of a body in memory fits in usize");
        index(self.first)..=index(self.last)
    }
}
