//! The message handler: answer one message at a time.

use super::Reply;
use crate::{Address, FrameError, Framing};

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
/// The framework owns the read loop: it reads and frames messages (see
/// [`Framing`]), calls [`handle`](Self::handle) with each and the
/// session's state, frames and writes the replies, and enforces the
/// server's size limit and timeouts. The same handler serves TCP, Unix
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
pub trait MessageHandler: Send + Sync + 'static {
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
    fn handle(&self, session: &mut Self::Session, message: &[u8], reply: &mut Reply<'_>) -> Action;

    /// Called when a message breaks the framing (too long, cut short);
    /// the connection closes after this reply. Default: for
    /// [`Framing::Lines`], the line `ERROR: ` and the reason; for binary
    /// framings, nothing.
    fn bad_message(&self, error: &FrameError, reply: &mut Reply<'_>) {
        if reply.framing() == Framing::Lines {
            reply.push_str(&format!("ERROR: {error}"));
        }
    }

    /// Called when the server is at capacity and rejects a connection or
    /// datagram: the reply is sent before closing. Default: nothing.
    fn busy(&self, _reply: &mut Reply<'_>) {}
}
