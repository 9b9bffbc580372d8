//! How a byte stream is cut into messages, and how replies are framed.

mod check;
mod decoder;
mod frame_error;

#[doc(hidden)]
pub use self::check::{check_split_invariance, split_reads};

pub(crate) use self::decoder::limit_for;
pub use self::decoder::{Decoder, Frame};
pub use self::frame_error::FrameError;

#[cfg(feature = "config")]
use serde::de::{self, Deserialize, Deserializer};
use std::fmt;
use std::str::FromStr;

/// How a stream is cut into messages, and replies framed to match. The
/// limit on a message's size is the server's
/// [`max_message_size`](crate::ServerConfig::max_message_size).
///
/// Over datagram transports every datagram is one message whatever the
/// framing; with [`Lines`](Framing::Lines) a trailing newline is stripped
/// from it and added to the reply, so `nc -u` works as expected.
///
/// Config files and flags spell these `lines`, `length-prefixed`,
/// `fixed:N`, `until-close` and `bytes`.
///
/// # Examples
///
/// ```
/// use socketserver::Framing;
///
/// let mut out = Vec::new();
/// Framing::LengthPrefixed.encode(b"hi", &mut out);
/// assert_eq!(out, [0, 0, 0, 2, b'h', b'i']);
///
/// assert_eq!("fixed:16".parse(), Ok(Framing::FixedLength(16)));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Framing {
    /// Lines ending in `\n` (a `\r` before it is dropped too). Replies get
    /// a `\n` unless they end in one. The default.
    #[default]
    Lines,
    /// A 4-byte big-endian length, then that many bytes. Replies get the
    /// same prefix.
    LengthPrefixed,
    /// Every message exactly this many bytes (the fixed `MSGLEN` messages
    /// of Python's socket HOWTO). Replies are padded with zero bytes to a
    /// multiple of it.
    FixedLength(usize),
    /// One message per connection: everything until the client shuts
    /// down its write side (`shutdown(SHUT_WR)`, the HOWTO's "end by
    /// shutting down the connection"). Over datagrams, one
    /// datagram. Replies are sent as they are.
    UntilClose,
    /// Every read is a message, as it comes: whatever bytes one read of
    /// the socket brought (at most `max_message_size`). For protocols
    /// without message boundaries, such as echo. Replies are sent as
    /// they are.
    Bytes,
}

impl Framing {
    /// A decoder for this framing with a size limit.
    pub fn decoder(self, max: usize) -> Decoder {
        Decoder::new(self, max)
    }

    /// Appends `payload` to `out` framed as one message. An empty payload
    /// appends nothing: an empty reply means "no reply".
    pub fn encode(self, payload: &[u8], out: &mut Vec<u8>) {
        let start = self.begin(out);
        out.extend_from_slice(payload);
        self.seal(out, start, false);
    }

    /// Starts a message at the end of `out` (reserving a prefix); returns
    /// where it starts.
    #[inline]
    pub(crate) fn begin(self, out: &mut Vec<u8>) -> usize {
        let start = out.len();
        if self == Framing::LengthPrefixed {
            out.extend_from_slice(&[0; 4]);
        }
        start
    }

    /// Finishes the message begun at `start`. An empty one is dropped
    /// unless `keep_empty`, in which case it goes out as an empty line, a
    /// zero length, or a frame of zeros.
    #[inline]
    pub(crate) fn seal(self, out: &mut Vec<u8>, start: usize, keep_empty: bool) {
        let body = start + if self == Framing::LengthPrefixed { 4 } else { 0 };
        if out.len() == body && !keep_empty {
            return out.truncate(start);
        }
        match self {
            Framing::Lines if out.len() == body || out.last() != Some(&b'\n') => out.push(b'\n'),
            Framing::LengthPrefixed => {
                let len = u32::try_from(out.len() - body).unwrap_or(u32::MAX);
                out[start..body].copy_from_slice(&len.to_be_bytes());
            }
            Framing::FixedLength(len) if len > 0 => {
                let short = match out.len() - body {
                    0 => len,
                    written => (len - written % len) % len,
                };
                out.resize(out.len() + short, 0);
            }
            _ => {}
        }
    }

    /// The framing replies to datagrams use: lines keep their newline,
    /// everything else is sent as it is.
    pub(crate) fn for_datagrams(self) -> Framing {
        match self {
            Framing::Lines => Framing::Lines,
            _ => Framing::UntilClose,
        }
    }
}

impl FromStr for Framing {
    type Err = String;

    fn from_str(text: &str) -> Result<Framing, String> {
        let bad = || {
            format!(
                "`{text}` is not a framing; accepted: lines, length-prefixed, fixed:N (N > 0), until-close, bytes"
            )
        };
        match text {
            "lines" => Ok(Framing::Lines),
            "length-prefixed" => Ok(Framing::LengthPrefixed),
            "until-close" => Ok(Framing::UntilClose),
            "bytes" => Ok(Framing::Bytes),
            _ => match text.strip_prefix("fixed:").map(str::parse::<usize>) {
                Some(Ok(len)) if len > 0 => Ok(Framing::FixedLength(len)),
                _ => Err(bad()),
            },
        }
    }
}

impl fmt::Display for Framing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Framing::Lines => f.write_str("lines"),
            Framing::LengthPrefixed => f.write_str("length-prefixed"),
            Framing::FixedLength(len) => write!(f, "fixed:{len}"),
            Framing::UntilClose => f.write_str("until-close"),
            Framing::Bytes => f.write_str("bytes"),
        }
    }
}

#[cfg(feature = "config")]
impl<'de> Deserialize<'de> for Framing {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Framing, D::Error> {
        String::deserialize(de)?.parse().map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed(framing: Framing, payload: &[u8], keep_empty: bool) -> Vec<u8> {
        let mut out = vec![9];
        let start = framing.begin(&mut out);
        out.extend_from_slice(payload);
        framing.seal(&mut out, start, keep_empty);
        out.split_off(1)
    }

    #[test]
    fn empty_replies_vanish_unless_kept() {
        for framing in [
            Framing::Lines,
            Framing::LengthPrefixed,
            Framing::FixedLength(3),
            Framing::UntilClose,
            Framing::Bytes,
        ] {
            assert!(sealed(framing, b"", false).is_empty(), "{framing}");
        }
        assert_eq!(sealed(Framing::Lines, b"", true), b"\n");
        assert_eq!(sealed(Framing::LengthPrefixed, b"", true), [0, 0, 0, 0]);
        assert_eq!(sealed(Framing::FixedLength(3), b"", true), [0, 0, 0]);
        assert_eq!(sealed(Framing::FixedLength(3), b"abcd", false), b"abcd\0\0");
        assert_eq!(sealed(Framing::Lines, b"done\n", false), b"done\n");
    }
}
