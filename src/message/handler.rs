//! The message handler: answer one message at a time.

use super::Reply;
use crate::codec::Codec;
use crate::{Address, Decoder, FrameError, Framing};

/// What to do with the connection after a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Keep reading messages.
    Continue,
    /// Send the replies so far, then close (a datagram session ends).
    Close,
}

/// A handler that answers one message at a time; wrap it in
/// [`Messages`](crate::Messages) to serve it.
///
/// The framework owns the read loop: it reads and frames messages (with
/// a built-in [`Framing`], or a [`Codec`] of your own: the type parameter
/// `C`, whose messages may be typed, such as a parsed command), calls
/// [`handle`](Self::handle) with each and the session's state, frames and
/// writes the replies, and enforces the server's size limit and
/// timeouts. The same handler serves TCP, Unix
/// stream, UDP and Unix datagram without a line of transport code.
///
/// Over a stream the session lives as long as the connection; over
/// datagrams, as long as the peer keeps sending (sessions expire, see
/// [`Messages::session_ttl`](crate::Messages::session_ttl)). Nothing here
/// assumes one thread holds a connection for its life.
///
/// # Examples
///
/// ```
/// use socketserver::{Action, MessageHandler, Reply};
///
/// /// Counts the messages of each session.
/// struct Counter;
///
/// impl MessageHandler for Counter {
///     type Session = u64;
///
///     fn handle(&self, count: &mut u64, _message: &[u8], reply: &mut Reply<'_>) -> Action {
///         *count += 1;
///         reply.push_str(&count.to_string());
///         Action::Continue
///     }
/// }
/// ```
///
/// With a codec of your own, `handle` takes the codec's message type;
/// see [`Codec`] and `examples/memcached.rs`:
///
/// ```
/// use socketserver::codec::{Codec, Decoded, Input};
/// use socketserver::{Action, Conversation, FrameError, MessageHandler, Messages, Reply};
///
/// /// `+` and `-` commands, one byte each.
/// #[derive(Clone)]
/// struct Signs;
///
/// impl Codec for Signs {
///     type Message<'a> = bool;
///
///     fn decode<'a>(&mut self, input: Input<'a>) -> Result<Decoded<bool>, FrameError> {
///         match input.bytes().first() {
///             None => Ok(Decoded::NeedMore),
///             Some(b'+') => Ok(Decoded::Message { message: true, consumed: 1 }),
///             Some(b'-') => Ok(Decoded::Message { message: false, consumed: 1 }),
///             Some(_) => Err(FrameError::invalid("only + and - are commands")),
///         }
///     }
/// }
///
/// struct Tally;
///
/// impl MessageHandler<Signs> for Tally {
///     type Session = i64;
///
///     fn handle(&self, total: &mut i64, up: bool, reply: &mut Reply<'_>) -> Action {
///         *total += if up { 1 } else { -1 };
///         reply.push_fmt(format_args!("{total}\n"));
///         Action::Continue
///     }
/// }
///
/// let messages = Messages::with_codec(Tally, Signs);
/// let mut talk = Conversation::new(&messages);
/// assert_eq!(talk.send(b"++-"), b"1\n2\n1\n");
/// ```
pub trait MessageHandler<C: Codec = Decoder>: Send + Sync + 'static {
    /// Per-connection (or per-peer) state, such as where a dialogue is.
    type Session: Default + Send + 'static;

    /// Starts a session for `peer`. Default: `Session::default()`.
    fn open(&self, _peer: &Address) -> Self::Session {
        Self::Session::default()
    }

    /// Called once when a stream connection opens, before any message:
    /// write a greeting, or answer and close (RFC 867 daytime). Not called
    /// for datagrams. Default: nothing, continue.
    fn greet(&self, _session: &mut Self::Session, _reply: &mut Reply<'_>) -> Action {
        Action::Continue
    }

    /// Answers one message.
    fn handle(&self, session: &mut Self::Session, message: C::Message<'_>, reply: &mut Reply<'_>) -> Action;

    /// Called when a message breaks the framing (too long, cut short, a
    /// codec's [`FrameError`]); the connection closes after this reply.
    /// Default: for [`Framing::Lines`], the line `ERROR: ` and the
    /// reason; for binary framings and codecs of your own, nothing.
    fn bad_message(&self, error: &FrameError, reply: &mut Reply<'_>) {
        if reply.framing() == Some(Framing::Lines) {
            reply.push_str(&format!("ERROR: {error}"));
        }
    }

    /// Called when the server is at capacity and rejects a connection or
    /// datagram: the reply is sent before closing. Default: nothing.
    fn busy(&self, _reply: &mut Reply<'_>) {}
}
