//! One message through a codec and a handler: the step the message loop,
//! the datagram path and [`Conversation`](crate::Conversation) share.

use super::reply::respond;
use super::{Action, MessageHandler};
use crate::codec::{Codec, Decoded, Input};
use crate::request::WriteBuffer;
use crate::FrameError;

/// Where answers go: taken only when there is one, so a decode that
/// needs more bytes costs a connection no write buffer.
pub(crate) trait Out {
    /// The buffer to append an answer to.
    fn buf(&mut self) -> &mut Vec<u8>;
}

impl Out for Vec<u8> {
    fn buf(&mut self) -> &mut Vec<u8> {
        self
    }
}

impl Out for WriteBuffer {
    #[inline]
    fn buf(&mut self) -> &mut Vec<u8> {
        WriteBuffer::buf(self)
    }
}

/// What answering the next message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// A message was answered; the handler says what next.
    Answered(Action),
    /// Bytes were dropped with no message.
    Skipped,
    /// No whole message is buffered.
    NeedMore,
    /// The input broke the protocol: the handler's `bad_message` answered
    /// it, and the connection closes.
    Refused,
}

/// Decodes the next message from `input`, answers it into `out` and says
/// how many bytes of the input are used up. Rules every codec gets: a
/// message that fills the buffer with no end in sight is too long; a
/// stream that ends mid-message is refused; a codec that finds a message
/// in no bytes of a stream is refused rather than looped on.
#[inline]
pub(crate) fn answer_next<C, M, O>(
    handler: &M,
    codec: &mut C,
    session: &mut M::Session,
    input: Input<'_>,
    out: &mut O,
) -> (Step, usize)
where
    C: Codec,
    M: MessageHandler<C>,
    O: Out,
{
    if input.bytes().is_empty() && !input.is_ended() {
        return (Step::NeedMore, 0);
    }
    match codec.decode(input) {
        Ok(Decoded::Message { consumed: 0, .. }) if !input.is_datagram() => {
            let error = FrameError::invalid("the codec found a message in no bytes");
            (refuse(handler, codec, &error, out), 0)
        }
        Ok(Decoded::Message { message, consumed }) => {
            let action = respond(out.buf(), codec, |reply| handler.handle(session, message, reply));
            (Step::Answered(action), consumed.min(input.bytes().len()))
        }
        Ok(Decoded::Skip(skipped)) if skipped.min(input.bytes().len()) > 0 => {
            (Step::Skipped, skipped.min(input.bytes().len()))
        }
        Ok(_) => (need_more(handler, codec, input, out), 0),
        Err(error) => (refuse(handler, codec, &error, out), 0),
    }
}

/// No message (or a skip of no bytes): wait for more, unless the buffer is
/// full or the stream has ended.
#[inline]
fn need_more<C: Codec, M: MessageHandler<C>, O: Out>(
    handler: &M,
    codec: &C,
    input: Input<'_>,
    out: &mut O,
) -> Step {
    let received = input.bytes().len();
    let error = if received > codec.buffer_limit(input.limit()) {
        FrameError::TooLong { limit: input.limit(), announced: None }
    } else if input.is_ended() && (received > 0 || codec.in_message()) {
        FrameError::Ended { received }
    } else {
        return Step::NeedMore;
    };
    refuse(handler, codec, &error, out)
}

/// Answers a broken message with the handler's `bad_message`.
fn refuse<C: Codec, M: MessageHandler<C>, O: Out>(
    handler: &M,
    codec: &C,
    error: &FrameError,
    out: &mut O,
) -> Step {
    respond(out.buf(), codec, |reply| handler.bad_message(error, reply));
    log::debug!("closing a connection: {error}");
    Step::Refused
}
