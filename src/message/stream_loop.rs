//! The read loop of a message handler over a stream connection.

use super::reply::respond;
use super::{Action, MessageHandler, Messages};
use crate::request::{non_zero, Filled, ReadBuffer};
use crate::{Connection, Decoder, FrameError, Framing};
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

/// Replies buffered past this are written before more messages are read.
const FLUSH_AT: usize = 64 * 1024;
/// Most unread input discarded when closing.
const DISCARD_LIMIT: usize = 256 * 1024;

/// What one wait for bytes brought.
enum Fill {
    Data,
    Eof,
    /// No message begun, and nothing arrived within the idle timeout.
    Idle,
    /// A message begun, and it did not complete within the read timeout.
    Stalled,
    /// A partial line was followed by silence: take it as a message.
    Unterminated,
}

/// One connection's message loop: read, frame, handle, reply.
pub(crate) struct StreamLoop<'a, M: MessageHandler> {
    messages: &'a Messages<M>,
    conn: &'a mut Connection,
    session: M::Session,
    decoder: Decoder,
    input: ReadBuffer,
    out: Vec<u8>,
    message_began: Option<Instant>,
}

impl<'a, M: MessageHandler> StreamLoop<'a, M> {
    pub(crate) fn new(messages: &'a Messages<M>, conn: &'a mut Connection) -> Self {
        let max = conn.server().config().max_message_size;
        let session = messages.handler.open(conn.peer_addr());
        let decoder = messages.framing.decoder(max);
        let input = ReadBuffer::new(decoder.buffer_limit());
        StreamLoop { messages, conn, session, decoder, input, out: Vec::new(), message_began: None }
    }

    pub(crate) fn run(mut self) -> io::Result<()> {
        let handler = &self.messages.handler;
        let session = &mut self.session;
        if respond(&mut self.out, self.messages.framing, |r| handler.greet(session, r)) == Action::Close {
            return self.close();
        }
        loop {
            match self.handle_frames() {
                Ok(Action::Continue) => {}
                Ok(Action::Close) => return self.close(),
                Err(err) => return self.refuse(&err),
            }
            self.flush()?;
            match self.fill()? {
                Fill::Data => {}
                Fill::Eof => return self.finish_at_eof(),
                Fill::Unterminated => match self.take_rest() {
                    Ok(Action::Continue) => {}
                    Ok(Action::Close) => return self.close(),
                    Err(err) => return self.refuse(&err),
                },
                Fill::Idle => return self.closing("idle longer than idle_timeout"),
                Fill::Stalled => return self.closing("message not completed within read_timeout"),
            }
        }
    }

    /// Handles every complete message in the buffer, replies batched.
    fn handle_frames(&mut self) -> Result<Action, FrameError> {
        let (handler, framing) = (&self.messages.handler, self.messages.framing);
        while let Some(frame) = self.decoder.decode(self.input.pending())? {
            let message = &self.input.pending()[frame.message];
            let session = &mut self.session;
            let action = respond(&mut self.out, framing, |r| handler.handle(session, message, r));
            self.input.consume(frame.consumed);
            self.message_began = None;
            if action == Action::Close {
                return Ok(Action::Close);
            }
            if self.out.len() >= FLUSH_AT {
                break;
            }
        }
        Ok(Action::Continue)
    }

    /// At end of stream: the last, unterminated message (the seeds'
    /// clients send one and shut down their write side), then close.
    fn finish_at_eof(&mut self) -> io::Result<()> {
        match self.take_rest() {
            Ok(_) => self.flush(),
            Err(err) => self.refuse(&err),
        }
    }

    /// Takes whatever is buffered as one final or unterminated message.
    fn take_rest(&mut self) -> Result<Action, FrameError> {
        let (handler, framing) = (&self.messages.handler, self.messages.framing);
        let Some(frame) = self.decoder.decode_eof(self.input.pending())? else {
            return Ok(Action::Continue);
        };
        let message = &self.input.pending()[frame.message];
        let session = &mut self.session;
        let action = respond(&mut self.out, framing, |r| handler.handle(session, message, r));
        self.input.consume(frame.consumed);
        self.message_began = None;
        Ok(action)
    }

    /// Answers a framing error (the handler's `bad_message`) and closes.
    fn refuse(&mut self, err: &FrameError) -> io::Result<()> {
        let handler = &self.messages.handler;
        respond(&mut self.out, self.messages.framing, |r| handler.bad_message(err, r));
        self.closing(&err.to_string())?;
        self.close()
    }

    /// Sends the replies, then closes without losing them: input the
    /// client sent that we will never read would make the close a reset,
    /// and a reset can destroy replies the client has not read yet. So
    /// the write side is shut first and unread input already here is
    /// discarded (without waiting for more).
    fn close(&mut self) -> io::Result<()> {
        self.flush()?;
        let stream = self.conn.stream();
        let _ = stream.shutdown(std::net::Shutdown::Write);
        if stream.set_nonblocking(true).is_ok() {
            let mut discard = [0u8; 4096];
            let mut budget = DISCARD_LIMIT;
            while budget > 0 {
                match (&*stream).read(&mut discard) {
                    Ok(n) if n > 0 => budget = budget.saturating_sub(n),
                    _ => break,
                }
            }
        }
        Ok(())
    }

    fn closing(&self, why: &str) -> io::Result<()> {
        log::debug!("closing connection from {}: {why}", self.conn.peer_addr());
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.out.is_empty() {
            self.conn.write_all(&self.out)?;
            self.out.clear();
        }
        Ok(())
    }

    /// Waits for more bytes, within the timeout that applies now.
    fn fill(&mut self) -> io::Result<Fill> {
        let Some(timeout) = self.read_timeout() else {
            return Ok(Fill::Stalled);
        };
        let pending = self.input.len();
        let unterminated = pending > 0 && self.unterminated_grace().is_some_and(|g| Some(g) == timeout);
        Ok(match self.input.fill(self.conn, timeout)? {
            Filled::Data => Fill::Data,
            Filled::Eof => Fill::Eof,
            Filled::TimedOut if pending == 0 => Fill::Idle,
            Filled::TimedOut if unterminated => Fill::Unterminated,
            Filled::TimedOut => Fill::Stalled,
        })
    }

    /// The read timeout now: idle between messages, what is left of the
    /// read timeout inside one (shortened to the unterminated-line grace).
    /// `None` when the message's time is already up.
    fn read_timeout(&mut self) -> Option<Option<Duration>> {
        let config = self.conn.server().config();
        if self.input.len() == 0 {
            self.message_began = None;
            return Some(non_zero(config.idle_timeout));
        }
        let began = *self.message_began.get_or_insert_with(Instant::now);
        let limit = non_zero(config.read_timeout);
        let left = limit.map(|limit| limit.saturating_sub(began.elapsed()));
        if left == Some(Duration::ZERO) {
            return None;
        }
        let grace = self.unterminated_grace();
        Some(match (left, grace) {
            (Some(left), Some(grace)) => Some(left.min(grace)),
            (left, grace) => grace.or(left),
        })
    }

    fn unterminated_grace(&self) -> Option<Duration> {
        match self.messages.framing {
            Framing::Lines => self.messages.unterminated,
            _ => None,
        }
    }
}
