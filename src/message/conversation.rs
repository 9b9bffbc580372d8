//! A message handler and its codec, talked to without a server.

use super::dispatch::{answer_next, Step};
use super::reply::respond;
use super::{Action, MessageHandler, Messages};
use crate::codec::{Codec, Input};
use crate::{Address, Decoder, ServerConfig};
use std::net::{Ipv4Addr, SocketAddr};

/// One client's conversation with a [`Messages`] handler, with no socket:
/// feed it bytes as a client would send them, read what the server would
/// answer. Messages go through the same decode, handle and framing code
/// as on a served connection (the limit on a message included), so a
/// unit test of a [`MessageHandler`] or a [`Codec`] needs no server.
///
/// What a served connection adds, and a conversation does not: reading
/// in pieces, timeouts, the per-step budget, flushing.
///
/// # Examples
///
/// ```
/// use socketserver::{Action, Conversation, MessageHandler, Messages, Reply};
///
/// struct Reverse;
///
/// impl MessageHandler for Reverse {
///     type Session = ();
///
///     fn handle(&self, _: &mut (), line: &[u8], reply: &mut Reply<'_>) -> Action {
///         reply.push(&line.iter().rev().copied().collect::<Vec<u8>>());
///         Action::Continue
///     }
/// }
///
/// let messages = Messages::new(Reverse);
/// let mut talk = Conversation::new(&messages);
/// assert_eq!(talk.send(b"hello\nwor"), b"olleh\n");
/// assert_eq!(talk.send(b"ld\n"), b"dlrow\n");
/// assert_eq!(talk.end(), b"");
/// assert!(talk.is_closed());
/// ```
#[derive(Debug)]
pub struct Conversation<'m, M: MessageHandler<C>, C: Codec = Decoder> {
    messages: &'m Messages<M, C>,
    codec: C,
    session: M::Session,
    input: Vec<u8>,
    out: Vec<u8>,
    max: usize,
    closed: bool,
}

impl<'m, M: MessageHandler<C>, C: Codec> Conversation<'m, M, C> {
    /// Opens a session as a client at `127.0.0.1:0` would, with the
    /// default [`max_message_size`](ServerConfig::max_message_size); the
    /// handler's greeting, if any, is in the first [`send`](Self::send)'s
    /// answer.
    pub fn new(messages: &'m Messages<M, C>) -> Self {
        let peer = Address::from(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
        let mut talk = Conversation {
            messages,
            codec: messages.codec.clone(),
            session: messages.handler.open(&peer),
            input: Vec::new(),
            out: Vec::new(),
            max: ServerConfig::default().max_message_size,
            closed: false,
        };
        let (handler, session) = (&messages.handler, &mut talk.session);
        talk.closed = respond(&mut talk.out, &talk.codec, |r| handler.greet(session, r)) == Action::Close;
        talk
    }

    /// Sets the limit on a message, as the server's
    /// [`max_message_size`](ServerConfig::max_message_size) does.
    pub fn max_message_size(mut self, max: usize) -> Self {
        self.max = max;
        self
    }

    /// Sends `bytes` and returns the answers to every message they
    /// complete. Nothing is answered once the conversation is closed.
    pub fn send(&mut self, bytes: &[u8]) -> Vec<u8> {
        self.input.extend_from_slice(bytes);
        self.answer(false);
        std::mem::take(&mut self.out)
    }

    /// The client shuts down its side: the rest of the input is decoded
    /// as at the end of a stream, and the conversation closes.
    pub fn end(&mut self) -> Vec<u8> {
        self.answer(true);
        self.closed = true;
        std::mem::take(&mut self.out)
    }

    /// Whether the handler closed the conversation
    /// ([`Action::Close`]), the input broke the codec, or the client
    /// ended it.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The session's state.
    pub fn session(&self) -> &M::Session {
        &self.session
    }

    /// Answers the whole messages buffered (and, at the end, the rest).
    fn answer(&mut self, ended: bool) {
        while !self.closed {
            let mut input = Input::new(&self.input).max_message_size(self.max);
            if ended {
                input = input.ended();
            }
            let handler = &self.messages.handler;
            let (step, used) = answer_next(handler, &mut self.codec, &mut self.session, input, &mut self.out);
            self.input.drain(..used);
            match step {
                Step::Answered(action) => self.closed = action == Action::Close,
                Step::Refused => self.closed = true,
                Step::Skipped => {}
                Step::NeedMore => return,
            }
            if ended && self.input.is_empty() && !self.codec.in_message() {
                return;
            }
        }
    }
}
