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
/// Under a strategy that parks, a wait for bytes checks this often whether
/// it should give its thread back.
const PARK_CHECK: Duration = Duration::from_millis(100);

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
    /// The strategy is saturated: give the thread back until bytes come.
    Park,
}

/// What a connection's loop keeps between messages, and while parked.
struct LoopState<S> {
    session: S,
    decoder: Decoder,
    input: ReadBuffer,
    /// When the message now in the buffer began to arrive.
    message_began: Option<Instant>,
    /// When the connection last had nothing to do.
    idle_since: Option<Instant>,
}

/// One connection's message loop: read, frame, handle, reply.
///
/// Under a strategy that parks idle connections (a [`ThreadPool`](crate::ThreadPool)),
/// a wait for bytes that finds every worker busy returns the loop's state
/// to the connection and the thread to the pool; the server calls the
/// handler again when bytes arrive, and the loop picks up where it was.
pub(crate) struct StreamLoop<'a, M: MessageHandler> {
    messages: &'a Messages<M>,
    conn: &'a mut Connection,
    state: LoopState<M::Session>,
    out: Vec<u8>,
    resumed: bool,
}

impl<'a, M: MessageHandler> StreamLoop<'a, M> {
    pub(crate) fn new(messages: &'a Messages<M>, conn: &'a mut Connection) -> Self {
        let (state, resumed) = match conn.take_parked::<LoopState<M::Session>>() {
            Some(state) => (state, true),
            None => (Self::fresh(messages, conn), false),
        };
        StreamLoop { messages, conn, state, out: Vec::new(), resumed }
    }

    fn fresh(messages: &Messages<M>, conn: &Connection) -> LoopState<M::Session> {
        let max = conn.server().config().max_message_size;
        let decoder = messages.framing.decoder(max);
        LoopState {
            session: messages.handler.open(conn.peer_addr()),
            input: ReadBuffer::new(decoder.buffer_limit()),
            decoder,
            message_began: None,
            idle_since: None,
        }
    }

    pub(crate) fn run(mut self) -> io::Result<()> {
        if !self.resumed {
            let handler = &self.messages.handler;
            let session = &mut self.state.session;
            if respond(&mut self.out, self.messages.framing, |r| handler.greet(session, r)) == Action::Close {
                return self.close();
            }
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
                Fill::Idle => return self.close_after("idle longer than idle_timeout"),
                Fill::Stalled => return self.close_after("message not completed within read_timeout"),
                Fill::Park => return self.park(),
            }
        }
    }

    /// Leaves the loop's state with the connection, to wait without a
    /// thread until bytes arrive or the current timeout's deadline.
    fn park(self) -> io::Result<()> {
        let deadline = self.deadline();
        self.conn.park(Box::new(self.state), deadline);
        Ok(())
    }

    /// When the wait now under way times out: idle, or mid-message.
    fn deadline(&self) -> Option<Instant> {
        let config = self.conn.server().config();
        let (since, limit) = match self.state.message_began {
            Some(began) if self.state.input.len() > 0 => (began, config.read_timeout),
            _ => (self.state.idle_since.unwrap_or_else(Instant::now), config.idle_timeout),
        };
        non_zero(limit).map(|limit| since + limit)
    }

    /// Handles every complete message in the buffer, replies batched.
    fn handle_frames(&mut self) -> Result<Action, FrameError> {
        let (handler, framing) = (&self.messages.handler, self.messages.framing);
        let state = &mut self.state;
        while let Some(frame) = state.decoder.decode(state.input.pending())? {
            let message = &state.input.pending()[frame.message];
            let session = &mut state.session;
            let action = respond(&mut self.out, framing, |r| handler.handle(session, message, r));
            state.input.consume(frame.consumed);
            (state.message_began, state.idle_since) = (None, None);
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
        let state = &mut self.state;
        let Some(frame) = state.decoder.decode_eof(state.input.pending())? else {
            return Ok(Action::Continue);
        };
        let message = &state.input.pending()[frame.message];
        let session = &mut state.session;
        let action = respond(&mut self.out, framing, |r| handler.handle(session, message, r));
        state.input.consume(frame.consumed);
        (state.message_began, state.idle_since) = (None, None);
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

    /// Closes (without a reset, see [`close`](Self::close)) for `why`.
    fn close_after(&mut self, why: &str) -> io::Result<()> {
        self.closing(why)?;
        self.close()
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

    /// Waits for more bytes, within the timeout that applies now. Under a
    /// strategy that parks, the wait is cut into short slices, and between
    /// them the loop parks if every worker has become busy.
    fn fill(&mut self) -> io::Result<Fill> {
        loop {
            let pending = self.state.input.len();
            let Some(timeout) = self.read_timeout() else {
                // Bytes that came in time but waited for a worker (a
                // resumed connection) are not a timeout.
                if let Some(Filled::Data) = self.state.input.try_fill(self.conn)? {
                    return Ok(Fill::Data);
                }
                return Ok(if pending == 0 { Fill::Idle } else { Fill::Stalled });
            };
            let unterminated = pending > 0 && self.unterminated_grace().is_some_and(|g| Some(g) == timeout);
            let slice = self.park_slice(timeout, unterminated);
            if slice.is_some() && self.conn.server().shared.should_park() {
                // Bytes already here (a resumed connection has some) are
                // read now; only a connection with nothing to read parks.
                return Ok(match self.state.input.try_fill(self.conn)? {
                    Some(Filled::Data) => Fill::Data,
                    Some(Filled::Eof | Filled::TimedOut) => Fill::Eof,
                    None => Fill::Park,
                });
            }
            match self.state.input.fill(self.conn, slice.or(timeout))? {
                Filled::Data => return Ok(Fill::Data),
                Filled::Eof => return Ok(Fill::Eof),
                Filled::TimedOut if slice.is_some() => continue,
                Filled::TimedOut if pending == 0 => return Ok(Fill::Idle),
                Filled::TimedOut if unterminated => return Ok(Fill::Unterminated),
                Filled::TimedOut => return Ok(Fill::Stalled),
            }
        }
    }

    /// A shorter wait than `timeout`, when this server parks and the wait
    /// is long enough to be worth cutting up; `None` otherwise.
    fn park_slice(&self, timeout: Option<Duration>, unterminated: bool) -> Option<Duration> {
        let long = timeout.map_or(true, |timeout| timeout > PARK_CHECK);
        (long && !unterminated && self.conn.may_park() && self.conn.server().shared.parks())
            .then_some(PARK_CHECK)
    }

    /// The read timeout now: what is left of the idle timeout between
    /// messages, of the read timeout inside one (shortened to the
    /// unterminated-line grace). `None` when that time is already up.
    fn read_timeout(&mut self) -> Option<Option<Duration>> {
        let config = self.conn.server().config();
        let state = &mut self.state;
        let now = Instant::now();
        let (since, limit) = if state.input.len() == 0 {
            state.message_began = None;
            (*state.idle_since.get_or_insert(now), non_zero(config.idle_timeout))
        } else {
            (*state.message_began.get_or_insert(now), non_zero(config.read_timeout))
        };
        let left = limit.map(|limit| limit.saturating_sub(now.duration_since(since)));
        if left == Some(Duration::ZERO) {
            return None;
        }
        if state.input.len() == 0 {
            return Some(left);
        }
        Some(match (left, self.unterminated_grace()) {
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
