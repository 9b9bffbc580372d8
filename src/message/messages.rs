//! Serving a message handler over any transport.

use super::dispatch::{answer_next, Step};
use super::message_protocol::MessageProtocol;
use super::reply::respond;
use super::session_table::SessionTable;
use super::stream_loop::StreamLoop;
use super::{Action, MessageHandler};
use crate::codec::{Codec, Input};
use crate::protocol::Protocol;
use crate::{Connection, Datagram, Decoder, FrameError, Framing, RequestHandler};
use std::io::{self, Write};
use std::sync::Arc;
use std::time::Duration;

/// Serves a [`MessageHandler`] as a [`RequestHandler`] on every transport:
/// the framework's read loop, framing (a built-in [`Framing`], or a
/// [`Codec`] of your own with [`with_codec`](Messages::with_codec)),
/// sessions and limits around the handler's one-message logic.
///
/// # Examples
///
/// ```
/// use socketserver::{Action, MessageHandler, Messages, Reply, Server, Tcp};
/// use std::io::{BufRead, BufReader, Write};
///
/// struct Reverse;
///
/// impl MessageHandler for Reverse {
///     type Session = ();
///
///     fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
///         let text = String::from_utf8_lossy(message);
///         reply.push_str(&text.chars().rev().collect::<String>());
///         Action::Continue
///     }
/// }
///
/// let server = Server::builder(Messages::new(Reverse)).bind::<Tcp>("127.0.0.1:0")?;
/// let addr = server.local_addr().as_inet().unwrap();
/// let stop = server.shutdown_handle();
/// let serving = std::thread::spawn(move || server.serve_forever());
///
/// let mut client = std::net::TcpStream::connect(addr)?;
/// client.write_all(b"hello\nworld\n")?;
/// let mut lines = BufReader::new(client).lines();
/// assert_eq!(lines.next().unwrap()?, "olleh");
/// assert_eq!(lines.next().unwrap()?, "dlrow");
///
/// stop.shutdown();
/// serving.join().unwrap()?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Messages<M, C = Decoder>
where
    M: MessageHandler<C>,
    C: Codec,
{
    pub(crate) handler: M,
    pub(crate) codec: C,
    datagram_codec: C,
    unterminated: Option<Duration>,
    /// The unterminated-line grace in force: only with lines.
    pub(crate) grace: Option<Duration>,
    sessions: SessionTable<M::Session>,
}

impl<M: MessageHandler> Messages<M> {
    /// Wraps `handler` with [`Framing::Lines`], no unterminated-line
    /// grace, and datagram sessions bounded at 10,000 peers idle at most
    /// 5 minutes.
    pub fn new(handler: M) -> Messages<M> {
        Messages::with_codec(handler, Framing::Lines.decoder(usize::MAX))
    }

    /// Sets how streams are cut into messages. Default is
    /// [`Framing::Lines`].
    pub fn framing(mut self, framing: Framing) -> Self {
        self.set_codec(framing.decoder(usize::MAX));
        self.grace = self.unterminated.filter(|_| framing == Framing::Lines);
        self
    }

    /// With [`Framing::Lines`]: a partial line followed by `grace` of
    /// silence is taken as a whole message. This serves clients that send
    /// one message with no newline and wait for the answer (Python's
    /// `sock.send(b"John"); sock.recv(1024)`), while newline clients are
    /// unaffected. Default is off: such a client waits until the read
    /// timeout. A partial line is always taken as a message when the
    /// client shuts down its write side.
    pub fn unterminated_after(mut self, grace: Duration) -> Self {
        self.unterminated = Some(grace);
        self.grace = self.unterminated.filter(|_| self.current_framing() == Framing::Lines);
        self
    }

    /// The framing in use.
    pub fn current_framing(&self) -> Framing {
        self.codec.framing_kind()
    }
}

impl<M: MessageHandler<C>, C: Codec> Messages<M, C> {
    /// Wraps `handler` with a [`Codec`] of your own: each connection
    /// decodes with a clone of `codec`. Datagram sessions are bounded at
    /// 10,000 peers idle at most 5 minutes.
    ///
    /// # Examples
    ///
    /// ```
    /// use socketserver::{Action, Framing, MessageHandler, Messages, Reply, Server, Tcp};
    ///
    /// struct Count;
    ///
    /// impl MessageHandler for Count {
    ///     type Session = ();
    ///
    ///     fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
    ///         reply.push_fmt(format_args!("{} bytes", message.len()));
    ///         Action::Continue
    ///     }
    /// }
    ///
    /// // A built-in framing is a codec too.
    /// let messages = Messages::with_codec(Count, Framing::LengthPrefixed.decoder(usize::MAX));
    /// let server = Server::builder(messages).bind::<Tcp>("127.0.0.1:0")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn with_codec(handler: M, codec: C) -> Messages<M, C> {
        Messages {
            handler,
            datagram_codec: codec.for_datagrams(),
            codec,
            unterminated: None,
            grace: None,
            sessions: SessionTable::new(10_000, Duration::from_secs(300)),
        }
    }

    fn set_codec(&mut self, codec: C) {
        self.datagram_codec = codec.for_datagrams();
        self.codec = codec;
    }

    /// Sets the most datagram peers with a session at once. Default is
    /// `10_000`.
    ///
    /// # Panics
    ///
    /// Panics if `max` is zero.
    pub fn max_sessions(mut self, max: usize) -> Self {
        assert!(max > 0, "max_sessions must be at least 1");
        self.sessions.max = max;
        self
    }

    /// Sets how long a datagram peer's session outlives its last datagram.
    /// Default is 5 minutes.
    pub fn session_ttl(mut self, ttl: Duration) -> Self {
        self.sessions.ttl = ttl;
        self
    }

    /// The wrapped handler.
    pub fn handler(&self) -> &M {
        &self.handler
    }

    /// The codec each connection starts from.
    pub fn codec(&self) -> &C {
        &self.codec
    }

    /// How many datagram peers hold a session now (never more than
    /// [`max_sessions`](Self::max_sessions)).
    pub fn datagram_sessions(&self) -> usize {
        self.sessions.len()
    }

    fn serve_stream(&self, conn: &mut Connection) {
        let mut state = StreamLoop::new(self, conn);
        crate::protocol::drive(conn, None, |conn, wake| state.step(self, conn, wake));
    }

    fn busy_stream(&self, conn: &mut Connection) {
        let mut out = Vec::new();
        respond(&mut out, &self.codec, |r| self.handler.busy(r));
        let _ = conn.write_all(&out);
    }

    fn serve_datagram(&self, datagram: &mut Datagram) -> io::Result<()> {
        let max = datagram.server().config().max_message_size;
        let mut out = Vec::new();
        let (peer, data) = (datagram.peer_addr(), datagram.data());
        let answered = self.sessions.with(
            peer,
            || self.handler.open(peer),
            |session| self.answer_datagram(session, data, max, &mut out),
        );
        datagram.server().counters().add_messages(answered);
        send(datagram, &out)
    }

    /// Answers every message of one datagram into `out`: how many were
    /// answered, and whether the peer's session goes on.
    fn answer_datagram(
        &self,
        session: &mut M::Session,
        data: &[u8],
        max: usize,
        out: &mut Vec<u8>,
    ) -> (u64, bool) {
        let mut codec = self.datagram_codec.clone();
        let (mut rest, mut answered) = (data, 0);
        loop {
            let input = Input::new(rest).max_message_size(max).datagram();
            let (step, used) = answer_next(&self.handler, &mut codec, session, input, out);
            answered += u64::from(matches!(step, Step::Answered(_)));
            match step {
                Step::Answered(Action::Close) | Step::Refused => return (answered, false),
                Step::Answered(_) | Step::Skipped if used > 0 && used < rest.len() => rest = &rest[used..],
                _ => return (answered, true),
            }
        }
    }

    fn busy_datagram(&self, datagram: &mut Datagram) {
        let mut out = Vec::new();
        respond(&mut out, &self.datagram_codec, |r| self.handler.busy(r));
        let _ = send(datagram, &out);
    }

    fn oversized_datagram(&self, datagram: &mut Datagram) {
        let limit = datagram.server().config().max_message_size;
        let error = FrameError::TooLong { limit, announced: None };
        let mut out = Vec::new();
        respond(&mut out, &self.datagram_codec, |r| self.handler.bad_message(&error, r));
        let _ = send(datagram, &out);
    }
}

fn send(datagram: &Datagram, out: &[u8]) -> io::Result<()> {
    if out.is_empty() {
        return Ok(());
    }
    datagram.reply(out)
}

/// Serves every stream transport: the server drives each connection's
/// message loop in steps ([`protocol`](RequestHandler::protocol)); `handle`
/// runs the same loop on the calling thread, for a handler that wraps
/// this one.
impl<M: MessageHandler<C>, C: Codec> RequestHandler<Connection> for Messages<M, C> {
    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        self.serve_stream(conn);
        Ok(())
    }

    fn busy(&self, conn: &mut Connection) {
        self.busy_stream(conn)
    }

    fn protocol(self: &Arc<Self>) -> Option<Box<dyn Protocol>> {
        Some(Box::new(MessageProtocol::new(Arc::clone(self))))
    }
}

/// Serves every datagram transport: each datagram is decoded whole (see
/// [`Codec::for_datagrams`]), its replies sent back in one datagram.
impl<M: MessageHandler<C>, C: Codec> RequestHandler<Datagram> for Messages<M, C> {
    fn handle(&self, datagram: &mut Datagram) -> io::Result<()> {
        self.serve_datagram(datagram)
    }

    fn busy(&self, datagram: &mut Datagram) {
        self.busy_datagram(datagram)
    }

    fn oversized(&self, datagram: &mut Datagram) {
        self.oversized_datagram(datagram)
    }
}
