//! Fuzzes the codec path a user's protocol takes (decode, skip, refuse,
//! answer): with a codec of the user's kind (`LEN:BYTES,` netstrings that
//! skip whitespace and refuse lengths over the limit, the codec of
//! `tests/codec.rs`), any split of any input into reads gets the same
//! answers as the whole input.
//! Run: `cargo fuzz run codec_split` (from the repository root).

#![no_main]

use libfuzzer_sys::fuzz_target;
use socketserver::framing::split_reads;
use socketserver::{Action, Conversation, FrameError, MessageHandler, Messages, Reply};

#[path = "../../tests/util/netstrings.rs"]
mod netstrings;

use netstrings::{Net, Netstrings};

struct Echo;

impl MessageHandler<Netstrings> for Echo {
    type Session = usize;

    fn handle(&self, count: &mut usize, message: Net<'_>, reply: &mut Reply<'_>) -> Action {
        *count += 1;
        match message {
            Net::Text(text) => reply.push(text),
            Net::TooLong(len) => reply.push_fmt(format_args!("too long {len}")),
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
