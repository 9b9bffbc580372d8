//! The message loop of one stream connection, as a resumable state
//! machine: read until the socket would block, frame, handle, write until
//! it would block, and say what to wait for next.

use super::reply::respond;
use super::{Action, MessageHandler, Messages};
use crate::protocol::{Wait, Wake};
use crate::request::{non_zero, Filled, ReadBuffer, WriteBuffer};
use crate::{Connection, Decoder, FrameError, Framing};
use std::io;
use std::time::{Duration, Instant};

/// Replies buffered past this are written before more messages are handled.
const FLUSH_AT: usize = 64 * 1024;

/// What a connection's message loop keeps between steps: its session,
/// the bytes of a message begun, the replies not yet written, and when
/// each wait began. While the connection waits between messages the
/// buffers are empty and hold no memory.
#[derive(Debug)]
pub(crate) struct StreamLoop<S> {
    session: S,
    decoder: Decoder,
    input: ReadBuffer,
    out: WriteBuffer,
    /// When the connection began waiting for its next message.
    idle_since: Instant,
    /// When the first byte of the message now in the buffer arrived.
    message_began: Option<Instant>,
    /// When bytes last arrived: the unterminated-line grace counts from here.
    last_bytes: Instant,
    /// When the reply now being written began to wait for the client.
    write_blocked: Option<Instant>,
    /// The replies are being flushed before the connection closes.
    closing: bool,
    /// The client ended its side: nothing is left unread to discard.
    eof: bool,
}

impl<S: Send + 'static> StreamLoop<S> {
    /// A loop for a new connection, its session opened.
    pub(crate) fn new<M: MessageHandler<Session = S>>(messages: &Messages<M>, conn: &Connection) -> Self {
        let max = conn.server().config().max_message_size;
        let decoder = messages.framing.decoder(max);
        let now = Instant::now();
        StreamLoop {
            session: messages.handler.open(conn.peer_addr()),
            input: ReadBuffer::new(decoder.buffer_limit()),
            decoder,
            out: WriteBuffer::default(),
            idle_since: now,
            message_began: None,
            last_bytes: now,
            write_blocked: None,
            closing: false,
            eof: false,
        }
    }

    /// Runs the loop as far as the connection allows; see
    /// [`Protocol::step`](crate::protocol::Protocol::step).
    pub(crate) fn step<M>(&mut self, messages: &Messages<M>, conn: &mut Connection, wake: Wake) -> Wait
    where
        M: MessageHandler<Session = S>,
    {
        match self.advance(messages, conn, wake) {
            Ok(wait) => wait,
            Err(err) => {
                log::debug!("closing connection from {}: {err}", conn.peer_addr());
                Wait::Close
            }
        }
    }

    fn advance<M>(&mut self, messages: &Messages<M>, conn: &mut Connection, wake: Wake) -> io::Result<Wait>
    where
        M: MessageHandler<Session = S>,
    {
        match wake {
            Wake::Start => self.greet(messages),
            Wake::TimedOut => {
                if let Some(wait) = self.timed_out(messages, conn) {
                    return Ok(wait);
                }
            }
            Wake::Ready | Wake::Drain => {}
        }
        loop {
            if !self.flush(conn)? {
                let limit = non_zero(conn.server().config().write_timeout);
                return Ok(Wait::Write(
                    limit.map(|limit| self.write_blocked.unwrap_or_else(Instant::now) + limit),
                ));
            }
            if self.closing {
                if !self.eof {
                    conn.discard_and_shut();
                }
                return Ok(Wait::Close);
            }
            if self.handle_frames(messages) {
                continue;
            }
            match self.input.fill_now(conn)? {
                Some(Filled::Data) => self.arrived(),
                Some(_) => {
                    self.take_rest(messages);
                    (self.closing, self.eof) = (true, true);
                }
                None => return Ok(self.read_wait(messages, conn)),
            }
        }
    }

    /// Writes the greeting, if the handler has one.
    fn greet<M: MessageHandler<Session = S>>(&mut self, messages: &Messages<M>) {
        let (handler, session) = (&messages.handler, &mut self.session);
        if respond(self.out.buf(), messages.framing, |r| handler.greet(session, r)) == Action::Close {
            self.closing = true;
        }
    }

    /// Bytes came: note when, for the timeouts.
    fn arrived(&mut self) {
        self.last_bytes = Instant::now();
        self.message_began.get_or_insert(self.last_bytes);
    }

    /// Handles the complete messages in the buffer, replies batched up to
    /// [`FLUSH_AT`]. Returns whether there are replies to write.
    fn handle_frames<M: MessageHandler<Session = S>>(&mut self, messages: &Messages<M>) -> bool {
        let mut handled = false;
        while !self.closing && self.out.len() < FLUSH_AT {
            match self.decoder.decode(self.input.pending()) {
                Ok(Some(frame)) => {
                    let action = self.answer(messages, frame.message, frame.consumed);
                    self.closing = action == Action::Close;
                    handled = true;
                }
                Ok(None) => break,
                Err(err) => self.refuse(messages, &err),
            }
        }
        if handled {
            self.handled();
        }
        !self.out.is_empty() || self.closing
    }

    /// Runs the handler on one message and consumes its bytes.
    fn answer<M>(
        &mut self,
        messages: &Messages<M>,
        message: std::ops::Range<usize>,
        consumed: usize,
    ) -> Action
    where
        M: MessageHandler<Session = S>,
    {
        let (handler, session) = (&messages.handler, &mut self.session);
        let message = &self.input.pending()[message];
        let action = respond(self.out.buf(), messages.framing, |r| handler.handle(session, message, r));
        self.input.consume(consumed);
        action
    }

    /// After handling messages: the wait for the next one starts now.
    fn handled(&mut self) {
        let now = Instant::now();
        self.idle_since = now;
        self.message_began = (self.input.len() > 0).then_some(now);
    }

    /// Takes whatever is buffered as one final or unterminated message.
    fn take_rest<M: MessageHandler<Session = S>>(&mut self, messages: &Messages<M>) {
        match self.decoder.decode_eof(self.input.pending()) {
            Ok(Some(frame)) => {
                if self.answer(messages, frame.message, frame.consumed) == Action::Close {
                    self.closing = true;
                }
                self.handled();
            }
            Ok(None) => {}
            Err(err) => self.refuse(messages, &err),
        }
    }

    /// Answers a framing error (the handler's `bad_message`) and closes.
    fn refuse<M: MessageHandler<Session = S>>(&mut self, messages: &Messages<M>, err: &FrameError) {
        let handler = &messages.handler;
        respond(self.out.buf(), messages.framing, |r| handler.bad_message(err, r));
        log::debug!("closing a connection: {err}");
        self.closing = true;
    }

    /// Writes the replies; `false` when the socket would block.
    fn flush(&mut self, conn: &mut Connection) -> io::Result<bool> {
        if self.out.write_to(conn)? {
            self.write_blocked = None;
            return Ok(true);
        }
        self.write_blocked.get_or_insert_with(Instant::now);
        Ok(false)
    }

    /// What to wait for when the socket has no more bytes: the next
    /// message (idle) or the rest of this one.
    fn read_wait<M: MessageHandler<Session = S>>(
        &mut self,
        messages: &Messages<M>,
        conn: &Connection,
    ) -> Wait {
        let config = conn.server().config();
        if self.input.len() == 0 {
            self.input.release_if_empty();
            self.message_began = None;
            return Wait::Idle(non_zero(config.idle_timeout).map(|limit| self.idle_since + limit));
        }
        let began = *self.message_began.get_or_insert(self.last_bytes);
        let stalled = non_zero(config.read_timeout).map(|limit| began + limit);
        let grace = unterminated_grace(messages).map(|grace| self.last_bytes + grace);
        Wait::Read(earliest(stalled, grace))
    }

    /// The deadline of the last wait passed: close for a timeout, or take
    /// an unterminated line as a message and go on (`None`).
    fn timed_out<M>(&mut self, messages: &Messages<M>, conn: &mut Connection) -> Option<Wait>
    where
        M: MessageHandler<Session = S>,
    {
        let config = conn.server().config();
        let now = Instant::now();
        let passed = |since: Instant, limit: Duration| non_zero(limit).is_some_and(|l| now >= since + l);
        let why = if !self.out.is_empty() {
            if !self.write_blocked.is_some_and(|since| passed(since, config.write_timeout)) {
                return None;
            }
            log::debug!("closing connection from {}: reply not read within write_timeout", conn.peer_addr());
            return Some(Wait::Close);
        } else if self.input.len() == 0 {
            if !passed(self.idle_since, config.idle_timeout) {
                return None;
            }
            "idle longer than idle_timeout"
        } else if self.message_began.is_some_and(|began| passed(began, config.read_timeout)) {
            "message not completed within read_timeout"
        } else {
            if unterminated_grace(messages).is_some_and(|grace| now >= self.last_bytes + grace) {
                self.take_rest(messages);
            }
            return None;
        };
        log::debug!("closing connection from {}: {why}", conn.peer_addr());
        conn.discard_and_shut();
        Some(Wait::Close)
    }
}

/// The unterminated-line grace, when the framing is lines and one is set.
fn unterminated_grace<M: MessageHandler>(messages: &Messages<M>) -> Option<Duration> {
    match messages.framing {
        Framing::Lines => messages.unterminated,
        _ => None,
    }
}

/// The earlier of two optional deadlines; `None` only when both are.
fn earliest(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
