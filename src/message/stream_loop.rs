//! The read loop of a message handler over a stream connection.

use super::reply::respond;
use super::{Action, MessageHandler, Messages};
use crate::request::non_zero;
use crate::{Connection, Decoder, FrameError, Framing};
use std::io::{self, BufRead, Read, Write};
use std::time::{Duration, Instant};

/// Replies buffered past this are written before more messages are read.
const FLUSH_AT: usize = 64 * 1024;
/// Most unread input discarded when closing.
const DISCARD_LIMIT: usize = 256 * 1024;
/// First size of the read buffer.
const FIRST_BUFFER: usize = 8 * 1024;

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
    buf: Vec<u8>,
    start: usize,
    end: usize,
    out: Vec<u8>,
    message_began: Option<Instant>,
}

impl<'a, M: MessageHandler> StreamLoop<'a, M> {
    pub(crate) fn new(messages: &'a Messages<M>, conn: &'a mut Connection) -> Self {
        let max = conn.server().config().max_message_size;
        let session = messages.handler.open(conn.peer_addr());
        StreamLoop {
            decoder: messages.framing.decoder(max),
            messages,
            conn,
            session,
            buf: Vec::new(),
            start: 0,
            end: 0,
            out: Vec::new(),
            message_began: None,
        }
    }

    pub(crate) fn run(mut self) -> io::Result<()> {
        let handler = &self.messages.handler;
        let session = &mut self.session;
        if respond(&mut self.out, self.messages.framing, |r| handler.greet(session, r)) == Action::Close {
            return self.close();
        }
        self.take_buffered();
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
        while let Some(frame) = self.decoder.decode(&self.buf[self.start..self.end])? {
            let message = self.start + frame.message.start..self.start + frame.message.end;
            self.start += frame.consumed;
            self.message_began = None;
            if self.answer(message) == Action::Close {
                return Ok(Action::Close);
            }
            if self.out.len() >= FLUSH_AT {
                break;
            }
        }
        Ok(Action::Continue)
    }

    fn answer(&mut self, message: std::ops::Range<usize>) -> Action {
        let (handler, session) = (&self.messages.handler, &mut self.session);
        let message = &self.buf[message];
        respond(&mut self.out, self.messages.framing, |r| handler.handle(session, message, r))
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
        let Some(frame) = self.decoder.decode_eof(&self.buf[self.start..self.end])? else {
            return Ok(Action::Continue);
        };
        let message = self.start + frame.message.start..self.start + frame.message.end;
        self.start += frame.consumed;
        self.message_began = None;
        Ok(self.answer(message))
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

    /// Moves bytes a `setup` left in the connection's reader into ours.
    fn take_buffered(&mut self) {
        let pending = self.conn.reader().buffer().to_vec();
        self.conn.reader().consume(pending.len());
        self.buf = pending;
        self.end = self.buf.len();
    }

    /// Waits for more bytes, within the timeout that applies now.
    fn fill(&mut self) -> io::Result<Fill> {
        let Some(timeout) = self.read_timeout() else {
            return Ok(Fill::Stalled);
        };
        let unterminated =
            self.pending() > 0 && self.unterminated_grace().is_some_and(|g| Some(g) == timeout);
        self.conn.set_read_timeout(timeout)?;
        self.make_room();
        loop {
            match self.conn.stream().read(&mut self.buf[self.end..]) {
                Ok(0) => return Ok(Fill::Eof),
                Ok(n) => {
                    self.end += n;
                    return Ok(Fill::Data);
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) if is_timeout(&err) => return Ok(self.timed_out(unterminated)),
                Err(err) => return Err(err),
            }
        }
    }

    fn timed_out(&self, unterminated: bool) -> Fill {
        match (self.pending(), unterminated) {
            (0, _) => Fill::Idle,
            (_, true) => Fill::Unterminated,
            _ => Fill::Stalled,
        }
    }

    /// The read timeout now: idle between messages, what is left of the
    /// read timeout inside one (shortened to the unterminated-line grace).
    /// `None` when the message's time is already up.
    fn read_timeout(&mut self) -> Option<Option<Duration>> {
        let config = self.conn.server().config();
        if self.pending() == 0 {
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

    fn pending(&self) -> usize {
        self.end - self.start
    }

    /// Ensures free space after `end`: compacts, then grows up to what the
    /// decoder can need (so memory stays below the message limit).
    fn make_room(&mut self) {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        if self.end < self.buf.len() {
            return;
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let limit = self.decoder.buffer_limit().max(FIRST_BUFFER);
            let grown = (self.buf.len() * 2).clamp(FIRST_BUFFER, limit);
            self.buf.resize(grown.max(self.end + 1), 0);
        }
    }
}

fn is_timeout(err: &io::Error) -> bool {
    matches!(err.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}
