//! Netstrings (`5:hello,`), a protocol of the user's own on `Codec`:
//! the codec of `tests/codec.rs` and of the fuzz target `codec_split`
//! (each includes this file by path), so both exercise one decoder.

use socketserver::codec::{Codec, Decoded, Input};
use socketserver::FrameError;

/// Netstrings: `LEN:BYTES,`. Whitespace between them is skipped; a length
/// over the limit is answered and its bytes skipped as they come.
#[derive(Clone, Debug, Default)]
pub struct Netstrings {
    skip: usize,
}

/// A netstring, or one whose length was over the limit.
#[derive(Debug)]
pub enum Net<'a> {
    Text(&'a [u8]),
    TooLong(usize),
}

impl Codec for Netstrings {
    type Message<'a> = Net<'a>;

    fn decode<'a>(&mut self, input: Input<'a>) -> Result<Decoded<Net<'a>>, FrameError> {
        let bytes = input.bytes();
        if self.skip > 0 || bytes.first().is_some_and(u8::is_ascii_whitespace) {
            let skipped = if self.skip > 0 { self.skip.min(bytes.len()) } else { 1 };
            self.skip -= skipped.min(self.skip);
            return Ok(if skipped == 0 { Decoded::NeedMore } else { Decoded::Skip(skipped) });
        }
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        match bytes.get(digits) {
            None if digits < 10 => return Ok(Decoded::NeedMore),
            Some(b':') if digits > 0 => {}
            _ => return Err(FrameError::invalid("a netstring is LEN:BYTES, with LEN in digits")),
        }
        let len: usize = std::str::from_utf8(&bytes[..digits]).unwrap().parse().unwrap();
        let start = digits + 1;
        if len > input.limit() {
            self.skip = len + 1;
            return Ok(Decoded::Message { message: Net::TooLong(len), consumed: start });
        }
        match bytes.get(start + len) {
            None => Ok(Decoded::NeedMore),
            Some(b',') => Ok(Decoded::Message {
                message: Net::Text(&bytes[start..start + len]),
                consumed: start + len + 1,
            }),
            Some(_) => Err(FrameError::invalid("a netstring ends with a comma")),
        }
    }

    fn buffer_limit(&self, max_message_size: usize) -> usize {
        max_message_size + 12
    }

    fn in_message(&self) -> bool {
        self.skip > 0
    }

    fn end_reply(&self, out: &mut Vec<u8>, start: usize) {
        let body = out.split_off(start);
        out.extend_from_slice(format!("{}:", body.len()).as_bytes());
        out.extend_from_slice(&body);
        out.push(b',');
    }
}
