//! Fuzzes the codec path a user's protocol takes (decode, skip, refuse,
//! answer): with a codec of the user's kind (`LEN:BYTES,` netstrings that
//! skip whitespace and refuse lengths over the limit), any split of any
//! input into reads gets the same answers as the whole input.
//! Run: `cargo fuzz run codec_split` (from the repository root).

#![no_main]

use libfuzzer_sys::fuzz_target;
use socketserver::codec::{Codec, Decoded, Input};
use socketserver::framing::split_reads;
use socketserver::{Action, Conversation, FrameError, MessageHandler, Messages, Reply};

#[derive(Clone, Default)]
struct Netstrings {
    skip: usize,
}

impl Codec for Netstrings {
    type Message<'a> = Result<&'a [u8], usize>;

    fn decode<'a>(&mut self, input: Input<'a>) -> Result<Decoded<Self::Message<'a>>, FrameError> {
        let bytes = input.bytes();
        if self.skip > 0 || bytes.first().is_some_and(u8::is_ascii_whitespace) {
            let skipped = if self.skip > 0 { self.skip.min(bytes.len()) } else { 1 };
            self.skip -= skipped.min(self.skip);
            return Ok(if skipped == 0 { Decoded::NeedMore } else { Decoded::Skip(skipped) });
        }
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        match bytes.get(digits) {
            None if digits < 6 => return Ok(Decoded::NeedMore),
            Some(b':') if digits > 0 => {}
            _ => return Err(FrameError::invalid("not a netstring")),
        }
        let len: usize = std::str::from_utf8(&bytes[..digits]).unwrap().parse().unwrap();
        let start = digits + 1;
        if len > input.limit() {
            self.skip = len + 1;
            return Ok(Decoded::Message { message: Err(len), consumed: start });
        }
        match bytes.get(start + len) {
            None => Ok(Decoded::NeedMore),
            Some(b',') => Ok(Decoded::Message { message: Ok(&bytes[start..start + len]), consumed: start + len + 1 }),
            Some(_) => Err(FrameError::invalid("no comma")),
        }
    }

    fn in_message(&self) -> bool {
        self.skip > 0
    }
}

struct Echo;

impl MessageHandler<Netstrings> for Echo {
    type Session = usize;

    fn handle(&self, count: &mut usize, message: Result<&[u8], usize>, reply: &mut Reply<'_>) -> Action {
        *count += 1;
        match message {
            Ok(text) => reply.push(text),
            Err(len) => reply.push_fmt(format_args!("too long {len}")),
        }
        reply.push_fmt(format_args!(" #{count};"));
        Action::Continue
    }

    fn bad_message(&self, error: &FrameError, reply: &mut Reply<'_>) {
        reply.push_fmt(format_args!("error {error};"));
    }
}

/// Every answer to `chunks` sent one after another, then the end.
fn answers(chunks: &[&[u8]]) -> Vec<u8> {
    let messages = Messages::with_codec(Echo, Netstrings::default());
    let mut talk = Conversation::new(&messages).max_message_size(32);
    let mut out = Vec::new();
    for chunk in chunks {
        out.extend(talk.send(chunk));
    }
    out.extend(talk.end());
    out
}

fuzz_target!(|data: &[u8]| {
    // The first bytes choose the read sizes; the rest is the stream.
    let (splits, stream) = data.split_at(data.len().min(8));
    let chunks = split_reads(stream, splits);
    assert_eq!(answers(&[stream]), answers(&chunks), "a split changed the answers");
});
