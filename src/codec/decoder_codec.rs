//! The built-in framings as a codec.

use super::{Codec, Decoded, Input};
use crate::framing::limit_for;
use crate::{Decoder, Frame, FrameError, Framing};

/// The five built-in framings on the codec contract: messages are the
/// bytes between the framing's marks, replies get the framing's marks.
/// Over datagrams each datagram is one message (a line loses its
/// newline) and replies are framed for datagrams (see [`Framing`]).
impl Codec for Decoder {
    type Message<'a> = &'a [u8];

    #[inline]
    fn decode<'a>(&mut self, input: Input<'a>) -> Result<Decoded<&'a [u8]>, FrameError> {
        let bytes = input.bytes();
        if self.is_datagram() {
            let message = datagram_message(self.framing_kind(), bytes);
            return Ok(Decoded::Message { message, consumed: bytes.len() });
        }
        self.lower_limit(input.limit());
        let frame = if input.is_ended() { self.decode_eof(bytes)? } else { Decoder::decode(self, bytes)? };
        Ok(match frame {
            Some(Frame { message, consumed }) => Decoded::Message { message: &bytes[message], consumed },
            None => Decoded::NeedMore,
        })
    }

    #[inline]
    fn buffer_limit(&self, max_message_size: usize) -> usize {
        limit_for(self.framing_kind(), max_message_size)
    }

    #[inline]
    fn begin_reply(&self, out: &mut Vec<u8>) {
        self.reply_framing().begin(out);
    }

    #[inline]
    fn end_reply(&self, out: &mut Vec<u8>, start: usize) {
        self.reply_framing().seal(out, start, true);
    }

    fn for_datagrams(&self) -> Decoder {
        let mut codec = self.clone();
        codec.set_datagram();
        codec
    }

    #[inline]
    fn framing(&self) -> Option<Framing> {
        Some(self.reply_framing())
    }
}

/// The message a datagram carries: with lines, without its newline.
fn datagram_message(framing: Framing, data: &[u8]) -> &[u8] {
    if framing != Framing::Lines {
        return data;
    }
    let data = data.strip_suffix(b"\n").unwrap_or(data);
    data.strip_suffix(b"\r").unwrap_or(data)
}
