//! The reply a message handler writes.

use crate::codec::Codec;
use crate::Framing;
use std::fmt;
use std::io::{self, Write};

/// Where a [`MessageHandler`](crate::MessageHandler) writes its answer to
/// one message. The codec frames it (a newline, a length prefix) and the
/// engine sends it, batching the replies to messages that arrived
/// together into one write. Writing nothing sends nothing, unless
/// [`send_even_if_empty`](Reply::send_even_if_empty) is called.
///
/// Writing to a reply cannot fail: [`push`](Self::push),
/// [`push_str`](Self::push_str) and [`push_fmt`](Self::push_fmt) return
/// nothing. It is also an [`io::Write`] for code that wants one.
///
/// # Examples
///
/// ```
/// use socketserver::{Action, MessageHandler, Reply};
///
/// struct Shout;
///
/// impl MessageHandler for Shout {
///     type Session = ();
///
///     fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
///         reply.push(&message.to_ascii_uppercase());
///         reply.push_fmt(format_args!("! ({} bytes)", message.len()));
///         Action::Continue
///     }
/// }
/// ```
#[derive(Debug)]
pub struct Reply<'a> {
    out: &'a mut Vec<u8>,
    /// Where this reply's body starts in `out`.
    body: usize,
    framing: Option<Framing>,
    keep_empty: bool,
}

impl Reply<'_> {
    /// Sends this reply even if nothing is written to it: an empty line
    /// with [`Framing::Lines`], a zero length with
    /// [`Framing::LengthPrefixed`], a frame of zeros with
    /// [`Framing::FixedLength`], whatever a codec's empty reply is.
    /// Without it an empty reply sends nothing, which suits protocols
    /// that answer only some messages; a protocol that answers every line
    /// calls this, so pipelining clients stay in step.
    pub fn send_even_if_empty(&mut self) {
        self.keep_empty = true;
    }

    /// Appends bytes to the reply.
    pub fn push(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    /// Appends text to the reply.
    pub fn push_str(&mut self, text: &str) {
        self.push(text.as_bytes());
    }

    /// Appends formatted text, as `write!` would, with nothing to unwrap:
    /// `reply.push_fmt(format_args!("VALUE {key} {flags} {len}\r\n"))`.
    pub fn push_fmt(&mut self, args: fmt::Arguments<'_>) {
        // Writing to a Vec cannot fail.
        let _ = self.out.write_fmt(args);
    }

    /// The built-in framing the reply will be sent with, or `None` under
    /// a [`Codec`] of your own.
    pub fn framing(&self) -> Option<Framing> {
        self.framing
    }

    /// Bytes written to the reply so far (its framing aside).
    pub fn len(&self) -> usize {
        self.out.len() - self.body
    }

    /// Whether nothing is written to the reply yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl io::Write for Reply<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.push(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Runs `write` on a fresh reply at the end of `out`, then has `codec`
/// frame it; a reply left empty (and not kept) leaves `out` as it was.
pub(crate) fn respond<C: Codec, R>(
    out: &mut Vec<u8>,
    codec: &C,
    write: impl FnOnce(&mut Reply<'_>) -> R,
) -> R {
    let start = out.len();
    codec.begin_reply(out);
    let body = out.len();
    let mut reply = Reply { out, body, framing: codec.framing(), keep_empty: false };
    let result = write(&mut reply);
    let keep = reply.keep_empty;
    if out.len() == body && !keep {
        out.truncate(start);
    } else {
        codec.end_reply(out, start);
    }
    result
}
