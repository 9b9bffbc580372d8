//! The message loop of one stream connection, as a resumable state
//! machine: read until the socket would block, frame, handle, write until
//! it would block, and say what to wait for next.

use super::dispatch::{answer_next, Step};
use super::reply::respond;
use super::{Action, MessageHandler, Messages};
use crate::codec::{Codec, Input};
use crate::protocol::{earliest, Engine, Wait, Wake};
use crate::request::{non_zero, Filled};
use crate::Connection;
use std::io;
use std::time::{Duration, Instant};

/// Replies buffered past this are written before more messages are handled.
const FLUSH_AT: usize = 64 * 1024;

/// What a connection's message loop keeps between steps: its session,
/// its codec, and the engine's buffers and clock. While the connection
/// waits between messages the buffers are empty and hold no memory.
#[derive(Debug)]
pub(crate) struct StreamLoop<S, C> {
    session: S,
    codec: C,
    engine: Engine,
    /// The replies are being flushed before the connection closes.
    closing: bool,
    /// The client ended its side: nothing is left unread to discard.
    eof: bool,
}

impl<S: Send + 'static, C: Codec> StreamLoop<S, C> {
    /// A loop for a new connection, its session opened.
    pub(crate) fn new<M: MessageHandler<C, Session = S>>(
        messages: &Messages<M, C>,
        conn: &Connection,
    ) -> Self {
        let max = conn.server().config().max_message_size;
        let codec = messages.codec.clone();
        StreamLoop {
            session: messages.handler.open(conn.peer_addr()),
            engine: Engine::new(codec.buffer_limit(max)),
            codec,
            closing: false,
            eof: false,
        }
    }

    /// Runs the loop as far as the connection allows; see
    /// [`Protocol::step`](crate::protocol::Protocol::step).
    pub(crate) fn step<M>(&mut self, messages: &Messages<M, C>, conn: &mut Connection, wake: Wake) -> Wait
    where
        M: MessageHandler<C, Session = S>,
    {
        let wait = self.advance(messages, conn, wake);
        conn.server().counters().add_messages(u64::from(self.engine.answered_in_step()));
        match wait {
            Ok(wait) => wait,
            Err(err) => {
                log::debug!("closing connection from {}: {err}", conn.peer_addr());
                Wait::Close
            }
        }
    }

    /// Flush, handle what is buffered, read: until the socket blocks,
    /// the connection closes, or the step's budget is spent.
    fn advance<M>(&mut self, messages: &Messages<M, C>, conn: &mut Connection, wake: Wake) -> io::Result<Wait>
    where
        M: MessageHandler<C, Session = S>,
    {
        self.engine.begin_step();
        match wake {
            Wake::Start => self.greet(messages),
            Wake::TimedOut => {
                if let Some(wait) = self.timed_out(messages, conn) {
                    return Ok(wait);
                }
            }
            Wake::Ready | Wake::Drain => {}
        }
        let max = conn.server().config().max_message_size;
        loop {
            if !self.engine.flush(conn)?.done {
                return Ok(self.engine.write_wait(conn.server().config()));
            }
            if self.closing {
                if !self.eof {
                    conn.discard_and_shut();
                }
                return Ok(Wait::Close);
            }
            if self.handle_frames(messages, max) {
                continue;
            }
            if self.engine.exhausted() {
                return Ok(Wait::Yield);
            }
            if self.engine.may_wait_unread(conn) && !self.codec.in_message() {
                return Ok(self.engine.idle_wait(conn.server().config()));
            }
            match self.engine.fill(conn)? {
                Some(Filled::Data) => {}
                Some(_) => {
                    self.take_rest(messages, max);
                    (self.closing, self.eof) = (true, true);
                }
                None => return Ok(self.read_wait(messages, conn)),
            }
        }
    }

    /// Whether part of a message is here: bytes buffered, or a codec
    /// inside a message it is skipping.
    fn in_message(&self) -> bool {
        self.engine.input.len() > 0 || self.codec.in_message()
    }

    /// Writes the greeting, if the handler has one.
    fn greet<M: MessageHandler<C, Session = S>>(&mut self, messages: &Messages<M, C>) {
        let (handler, session) = (&messages.handler, &mut self.session);
        if respond(self.engine.out.buf(), &self.codec, |r| handler.greet(session, r)) == Action::Close {
            self.closing = true;
        }
    }

    /// Handles the complete messages in the buffer, replies batched up to
    /// [`FLUSH_AT`]. Returns whether there are replies to write.
    fn handle_frames<M: MessageHandler<C, Session = S>>(
        &mut self,
        messages: &Messages<M, C>,
        max: usize,
    ) -> bool {
        while !self.closing && self.engine.out.len() < FLUSH_AT && !self.engine.exhausted() {
            if !self.answer(messages, max, false) {
                break;
            }
        }
        !self.engine.out.is_empty() || self.closing
    }

    /// Decodes and answers the next message of the pending bytes (at the
    /// end of the stream if `ended`) and consumes its bytes; `false` when
    /// no message is whole.
    fn answer<M>(&mut self, messages: &Messages<M, C>, max: usize, ended: bool) -> bool
    where
        M: MessageHandler<C, Session = S>,
    {
        let engine = &mut self.engine;
        let mut input = Input::new(engine.input.pending()).max_message_size(max);
        if ended {
            input = input.ended();
        }
        let (codec, session) = (&mut self.codec, &mut self.session);
        let (step, consumed) = answer_next(&messages.handler, codec, session, input, &mut engine.out);
        if consumed > 0 {
            engine.input.consume(consumed);
        }
        match step {
            Step::Answered(action) => {
                engine.answered();
                self.closing = action == Action::Close;
            }
            Step::Refused => self.closing = true,
            Step::Skipped => {}
            Step::NeedMore => return false,
        }
        true
    }

    /// Takes whatever is buffered as final or unterminated messages.
    fn take_rest<M: MessageHandler<C, Session = S>>(&mut self, messages: &Messages<M, C>, max: usize) {
        while !self.closing {
            if !self.answer(messages, max, true) || !self.in_message() {
                break;
            }
        }
    }

    /// What to wait for when the socket has no more bytes: the next
    /// message (idle) or the rest of this one. While the server drains,
    /// a partial line is not taken as a message after the grace: it has
    /// until `read_timeout` or the drain's deadline to be completed.
    fn read_wait<M: MessageHandler<C, Session = S>>(
        &mut self,
        messages: &Messages<M, C>,
        conn: &Connection,
    ) -> Wait {
        let config = conn.server().config();
        if !self.in_message() {
            return self.engine.idle_wait(config);
        }
        let clock = &mut self.engine.clock;
        let stalled = clock.request_deadline(non_zero(config.read_timeout));
        let grace = unterminated_grace(messages, conn).and_then(|grace| clock.stall_deadline(Some(grace)));
        Wait::Read(earliest(stalled, grace))
    }

    /// The deadline of the last wait passed: close for a timeout, or take
    /// an unterminated line as a message and go on (`None`).
    fn timed_out<M>(&mut self, messages: &Messages<M, C>, conn: &mut Connection) -> Option<Wait>
    where
        M: MessageHandler<C, Session = S>,
    {
        let config = conn.server().config();
        let now = Instant::now();
        let why = if self.engine.writing() {
            if !self.engine.write_expired(config) {
                return None;
            }
            log::debug!("closing connection from {}: reply not read within write_timeout", conn.peer_addr());
            return Some(Wait::Close);
        } else if !self.in_message() {
            let idle_timeout = config.idle_timeout;
            if !self.engine.idle_expired(conn, idle_timeout) {
                return None;
            }
            "idle longer than idle_timeout"
        } else if self.engine.clock.request_expired(now, non_zero(config.read_timeout)) {
            "message not completed within read_timeout"
        } else {
            let grace = unterminated_grace(messages, conn);
            if grace.is_some_and(|grace| self.engine.clock.stall_expired(now, Some(grace))) {
                self.take_rest(messages, config.max_message_size);
            }
            return None;
        };
        log::debug!("closing connection from {}: {why}", conn.peer_addr());
        conn.discard_and_shut();
        Some(Wait::Close)
    }
}

/// The unterminated-line grace, when the framing is lines, one is set,
/// and the server is not draining.
fn unterminated_grace<M: MessageHandler<C>, C: Codec>(
    messages: &Messages<M, C>,
    conn: &Connection,
) -> Option<Duration> {
    messages.grace.filter(|_| !conn.server().is_shutting_down())
}
