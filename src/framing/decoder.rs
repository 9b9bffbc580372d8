//! Splitting a byte stream into messages, however it was chunked.

use super::{FrameError, Framing};
use std::ops::Range;

/// One message found at the front of a buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Where the message's bytes are (without terminator or prefix).
    pub message: Range<usize>,
    /// How many bytes, from the front, the message used up.
    pub consumed: usize,
}

/// Finds messages at the front of a growing buffer.
///
/// Feed it the unconsumed bytes each time more arrive; it remembers how
/// far it already searched, so a long line arriving a byte at a time costs
/// linear, not quadratic, time. Any split of a stream into reads yields the
/// same messages.
///
/// # Examples
///
/// ```
/// use socketserver::{Decoder, Framing};
///
/// let mut decoder = Decoder::new(Framing::Lines, 1024);
/// let mut buffer = b"Jo".to_vec();
/// assert_eq!(decoder.decode(&buffer), Ok(None));
/// buffer.extend_from_slice(b"hn\r\nrest");
/// let frame = decoder.decode(&buffer).unwrap().unwrap();
/// assert_eq!(&buffer[frame.message], b"John");
/// assert_eq!(frame.consumed, 6);
/// ```
#[derive(Clone, Debug)]
pub struct Decoder {
    framing: Framing,
    max: usize,
    scanned: usize,
    /// Serving datagrams: each is one message, replies framed for
    /// datagrams.
    datagram: bool,
}

/// Bytes of a length prefix.
const PREFIX: usize = 4;

impl Decoder {
    /// A decoder for `framing` refusing messages over `max` bytes.
    pub fn new(framing: Framing, max: usize) -> Decoder {
        Decoder { framing, max, scanned: 0, datagram: false }
    }

    /// The most bytes a buffer needs to hold for this decoder to either
    /// find a message or report it too long.
    pub fn buffer_limit(&self) -> usize {
        limit_for(self.framing, self.max)
    }

    /// The framing it cuts.
    #[inline]
    pub(crate) fn framing_kind(&self) -> Framing {
        self.framing
    }

    /// Makes the limit `max` if that is lower.
    #[inline]
    pub(crate) fn lower_limit(&mut self, max: usize) {
        self.max = self.max.min(max);
    }

    /// Serves datagrams from now on (see [`Framing`]'s datagram rules).
    pub(crate) fn set_datagram(&mut self) {
        self.datagram = true;
    }

    /// Whether it serves datagrams.
    #[inline]
    pub(crate) fn is_datagram(&self) -> bool {
        self.datagram
    }

    /// The framing its replies get: over datagrams, lines keep their
    /// newline and the rest go as they are.
    #[inline]
    pub(crate) fn reply_framing(&self) -> Framing {
        if self.datagram {
            self.framing.for_datagrams()
        } else {
            self.framing
        }
    }

    /// Looks for one complete message at the front of `buf`, the bytes not
    /// yet consumed. After a frame is returned, the caller drops its
    /// `consumed` bytes before calling again.
    ///
    /// # Errors
    ///
    /// [`FrameError::TooLong`] as soon as the message is known to exceed
    /// the limit (for a length prefix, as soon as the prefix is read).
    #[inline]
    pub fn decode(&mut self, buf: &[u8]) -> Result<Option<Frame>, FrameError> {
        match self.framing {
            Framing::Lines => self.line(buf),
            Framing::LengthPrefixed => self.prefixed(buf),
            Framing::FixedLength(len) => Ok((buf.len() >= len).then(|| whole(len))),
            Framing::UntilClose => self.check_len(buf.len()).map(|()| None),
            Framing::Bytes => Ok((!buf.is_empty()).then(|| whole(buf.len().min(self.max)))),
        }
    }

    /// At end of stream: the message the remaining bytes make, if any. A
    /// last line without a newline is a message; so is everything for
    /// [`Framing::UntilClose`].
    ///
    /// # Errors
    ///
    /// [`FrameError::Truncated`] when a length-prefixed or fixed-length
    /// message was cut short; [`FrameError::TooLong`] past the limit.
    pub fn decode_eof(&mut self, buf: &[u8]) -> Result<Option<Frame>, FrameError> {
        if let Some(frame) = self.decode(buf)? {
            return Ok(Some(frame));
        }
        if buf.is_empty() {
            return Ok(None);
        }
        match self.framing {
            Framing::Lines | Framing::UntilClose | Framing::Bytes => {
                self.scanned = 0;
                // Only a line loses a trailing `\r`; until-close data is
                // taken whole, whatever its last byte.
                let end = match self.framing {
                    Framing::Lines => strip_cr(buf, buf.len()),
                    _ => buf.len(),
                };
                self.check_len(end)?;
                Ok(Some(Frame { message: 0..end, consumed: buf.len() }))
            }
            Framing::LengthPrefixed => Err(FrameError::Truncated {
                expected: PREFIX + buf.get(..PREFIX).map_or(0, |h| prefix_len(h) as usize),
                received: buf.len(),
            }),
            Framing::FixedLength(len) => Err(FrameError::Truncated { expected: len, received: buf.len() }),
        }
    }

    fn line(&mut self, buf: &[u8]) -> Result<Option<Frame>, FrameError> {
        let from = self.scanned.min(buf.len());
        match memchr::memchr(b'\n', &buf[from..]) {
            Some(offset) => {
                self.scanned = 0;
                let newline = from + offset;
                let end = strip_cr(buf, newline);
                self.check_len(end)?;
                Ok(Some(Frame { message: 0..end, consumed: newline + 1 }))
            }
            None => {
                self.scanned = buf.len();
                // One byte of slack for a `\r` whose `\n` is still coming.
                self.check_len(buf.len().saturating_sub(1)).map(|()| None)
            }
        }
    }

    fn prefixed(&mut self, buf: &[u8]) -> Result<Option<Frame>, FrameError> {
        let Some(header) = buf.get(..PREFIX) else {
            return Ok(None);
        };
        let len = prefix_len(header);
        if len > self.max as u64 {
            return Err(FrameError::TooLong { limit: self.max, announced: Some(len) });
        }
        let end = PREFIX + len as usize;
        Ok((buf.len() >= end).then_some(Frame { message: PREFIX..end, consumed: end }))
    }

    fn check_len(&self, len: usize) -> Result<(), FrameError> {
        if len > self.max {
            Err(FrameError::TooLong { limit: self.max, announced: None })
        } else {
            Ok(())
        }
    }
}

/// The most bytes a buffer holds for `framing` with messages of `max`.
pub(crate) fn limit_for(framing: Framing, max: usize) -> usize {
    match framing {
        Framing::FixedLength(len) => len.max(1),
        Framing::Bytes => max.max(1),
        _ => max.saturating_add(PREFIX + 2),
    }
}

fn whole(len: usize) -> Frame {
    Frame { message: 0..len, consumed: len }
}

fn prefix_len(header: &[u8]) -> u64 {
    u64::from(u32::from_be_bytes([header[0], header[1], header[2], header[3]]))
}

/// `end`, less one if the byte before it is a carriage return.
fn strip_cr(buf: &[u8], end: usize) -> usize {
    if end > 0 && buf[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}
