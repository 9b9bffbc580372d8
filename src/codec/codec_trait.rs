//! The contract between the engine and a protocol's framing.

use super::{Decoded, Input};
use crate::{FrameError, Framing};

/// How a protocol's byte stream becomes messages and its replies become
/// bytes: the one piece of a protocol of your own that the framework
/// cannot know. Serve it with
/// [`Messages::with_codec`](crate::Messages::with_codec) and a
/// [`MessageHandler<YourCodec>`](crate::MessageHandler).
///
/// The engine keeps what every protocol needs, so a codec has none of it
/// to write: it owns the input buffer and reads into it only while the
/// output is flushed (backpressure), gives it back while the connection
/// is idle, refuses a message that would outgrow
/// [`max_message_size`](crate::ServerConfig::max_message_size), closes a
/// connection that holds half a message past
/// [`read_timeout`](crate::ServerConfig::read_timeout), counts a
/// half-received message as in flight when the server drains, and
/// decodes pipelined messages one after another within its per-step
/// budget, so one client cannot take a thread from the others.
///
/// A connection gets its own clone of the codec, so a codec may keep
/// state between calls (how far it searched, a value it is skipping).
/// A decoded message may borrow from the input (`Message<'a>`): the
/// handler sees it before the engine drops its bytes, and nothing is
/// copied.
///
/// The five built-in framings ([`Framing`]) are this trait's
/// [`Decoder`](crate::Decoder).
///
/// # Examples
///
/// A protocol of 2-byte big-endian lengths, each followed by that many
/// bytes; replies are framed the same way:
///
/// ```
/// use socketserver::codec::{Codec, Decoded, Input};
/// use socketserver::FrameError;
///
/// #[derive(Clone, Default)]
/// struct Short;
///
/// impl Codec for Short {
///     type Message<'a> = &'a [u8];
///
///     fn decode<'a>(&mut self, input: Input<'a>) -> Result<Decoded<&'a [u8]>, FrameError> {
///         let bytes = input.bytes();
///         let Some(prefix) = bytes.get(..2) else { return Ok(Decoded::NeedMore) };
///         let end = 2 + usize::from(u16::from_be_bytes([prefix[0], prefix[1]]));
///         if end - 2 > input.limit() {
///             return Err(FrameError::invalid("a message longer than the limit"));
///         }
///         Ok(match bytes.get(2..end) {
///             Some(message) => Decoded::Message { message, consumed: end },
///             None => Decoded::NeedMore,
///         })
///     }
///
///     fn buffer_limit(&self, max_message_size: usize) -> usize {
///         max_message_size.min(usize::from(u16::MAX)) + 2
///     }
///
///     fn begin_reply(&self, out: &mut Vec<u8>) {
///         out.extend_from_slice(&[0, 0]);
///     }
///
///     fn end_reply(&self, out: &mut Vec<u8>, start: usize) {
///         let len = u16::try_from(out.len() - start - 2).unwrap_or(u16::MAX);
///         out[start..start + 2].copy_from_slice(&len.to_be_bytes());
///     }
/// }
///
/// let mut codec = Short;
/// let found = codec.decode(Input::new(b"\x00\x02hi\x00")).unwrap();
/// assert_eq!(found, Decoded::Message { message: &b"hi"[..], consumed: 4 });
/// assert_eq!(codec.decode(Input::new(b"\x00")).unwrap(), Decoded::NeedMore);
/// ```
pub trait Codec: Clone + Send + Sync + 'static {
    /// One decoded message, possibly borrowing from the input: `&'a [u8]`,
    /// or a parsed command.
    type Message<'a>;

    /// Looks for one message at the front of the input. Called when
    /// there is at least one byte, or at the end of the stream.
    ///
    /// Return [`Decoded::NeedMore`] until a whole message is there; the
    /// engine reads more and calls again with the same bytes and more.
    /// When [`Input::is_ended`] and the rest makes no message, return
    /// `NeedMore` too: the engine then reports the stream ended
    /// mid-message ([`FrameError::Ended`]) unless nothing was left.
    ///
    /// # Errors
    ///
    /// A [`FrameError`] when the input breaks the protocol beyond
    /// recovery: the handler's
    /// [`bad_message`](crate::MessageHandler::bad_message) answers it
    /// and the connection closes. Errors a protocol answers and goes on
    /// from (an unknown command) are better decoded as messages.
    fn decode<'a>(&mut self, input: Input<'a>) -> Result<Decoded<Self::Message<'a>>, FrameError>;

    /// The most bytes the engine buffers waiting for one message: when a
    /// buffer this full still decodes to `NeedMore`, the message is
    /// refused as too long ([`FrameError::TooLong`]). Default is
    /// `max_message_size` itself; add room for the framing a message
    /// carries.
    fn buffer_limit(&self, max_message_size: usize) -> usize {
        max_message_size
    }

    /// Whether the codec is inside a message although the input is empty
    /// (it is skipping a value it refused, say): the connection then
    /// waits with `read_timeout`, not `idle_timeout`, and counts in
    /// flight in a drain. Default is `false`.
    fn in_message(&self) -> bool {
        false
    }

    /// Starts a reply at the end of `out`, before the handler writes its
    /// body (a length prefix to fill in later, a status byte). Default:
    /// nothing.
    fn begin_reply(&self, _out: &mut Vec<u8>) {}

    /// Finishes the reply begun at `start` in `out`, once the handler has
    /// written its body (fill in a length, add a terminator). Not called
    /// for a reply left empty, which sends nothing. Default: nothing.
    fn end_reply(&self, _out: &mut Vec<u8>, _start: usize) {}

    /// The codec for a datagram transport: its input is one whole
    /// datagram ([`Input::is_datagram`]), decoded into one or more
    /// messages whose replies go back together in one datagram. Default:
    /// a clone of this codec, framing replies as it does over streams.
    /// The built-in framings take each datagram as one message and send
    /// replies without a length prefix or padding (see [`Framing`]).
    fn for_datagrams(&self) -> Self {
        self.clone()
    }

    /// The built-in framing this codec is, if any: handlers written for
    /// the built-in framings see it in [`Reply::framing`](crate::Reply::framing).
    /// Default is `None`.
    fn framing(&self) -> Option<Framing> {
        None
    }
}
