//! The reply a message handler writes.

use crate::Framing;
use std::io;

/// Where a [`MessageHandler`](crate::MessageHandler) writes its answer to
/// one message. The framework frames it (a newline, a length prefix) and
/// sends it, batching the replies to messages that arrived together into
/// one write. Writing nothing sends nothing, unless
/// [`send_even_if_empty`](Reply::send_even_if_empty) is called.
///
/// # Examples
///
/// ```
/// use socketserver::{Action, MessageHandler, Reply};
/// use std::io::Write;
///
/// struct Shout;
///
/// impl MessageHandler for Shout {
///     type Session = ();
///
///     fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
///         reply.push(&message.to_ascii_uppercase());
///         let _ = write!(reply, "!");
///         Action::Continue
///     }
/// }
/// ```
#[derive(Debug)]
pub struct Reply<'a> {
    out: &'a mut Vec<u8>,
    start: usize,
    framing: Framing,
    keep_empty: bool,
}

impl<'a> Reply<'a> {
    /// Starts a reply at the end of `out`.
    pub(crate) fn begin(out: &'a mut Vec<u8>, framing: Framing) -> Reply<'a> {
        let start = framing.begin(out);
        Reply { out, start, framing, keep_empty: false }
    }

    /// Frames the reply; an empty one vanishes unless
    /// [`send_even_if_empty`](Self::send_even_if_empty) was called.
    pub(crate) fn seal(self) {
        self.framing.seal(self.out, self.start, self.keep_empty)
    }

    /// Sends this reply even if nothing is written to it: an empty line
    /// with [`Framing::Lines`], a zero length with
    /// [`Framing::LengthPrefixed`], a frame of zeros with
    /// [`Framing::FixedLength`]. Without it an empty reply sends nothing,
    /// which suits protocols that answer only some messages; a protocol
    /// that answers every line calls this, so pipelining clients stay in
    /// step.
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

    /// The framing the reply will be sent with.
    pub fn framing(&self) -> Framing {
        self.framing
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

/// Runs `write` on a fresh reply at the end of `out`, then frames it.
pub(crate) fn respond<R>(out: &mut Vec<u8>, framing: Framing, write: impl FnOnce(&mut Reply<'_>) -> R) -> R {
    let mut reply = Reply::begin(out, framing);
    let result = write(&mut reply);
    reply.seal();
    result
}
