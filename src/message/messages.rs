//! Serving a message handler over any transport.

use super::message_protocol::MessageProtocol;
use super::reply::respond;
use super::session_table::SessionTable;
use super::stream_loop::StreamLoop;
use super::{Action, MessageHandler};
use crate::protocol::Protocol;
use crate::{Connection, Datagram, FrameError, Framing, RequestHandler};
use std::io::{self, Write};
use std::sync::Arc;
use std::time::Duration;

/// Serves a [`MessageHandler`] as a [`RequestHandler`] on every transport:
/// the framework's read loop, framing, sessions and limits around the
/// handler's one-message logic.
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
pub struct Messages<M: MessageHandler> {
    pub(crate) handler: M,
    pub(crate) framing: Framing,
    pub(crate) unterminated: Option<Duration>,
    sessions: SessionTable<M::Session>,
}

impl<M: MessageHandler> Messages<M> {
    /// Wraps `handler` with [`Framing::Lines`], no unterminated-line
    /// grace, and datagram sessions bounded at 10,000 peers idle at most
    /// 5 minutes.
    pub fn new(handler: M) -> Messages<M> {
        Messages {
            handler,
            framing: Framing::Lines,
            unterminated: None,
            sessions: SessionTable::new(10_000, Duration::from_secs(300)),
        }
    }

    /// Sets how streams are cut into messages. Default is
    /// [`Framing::Lines`].
    pub fn framing(mut self, framing: Framing) -> Self {
        self.framing = framing;
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
        self
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

    /// How many datagram peers hold a session now (never more than
    /// [`max_sessions`](Self::max_sessions)).
    pub fn datagram_sessions(&self) -> usize {
        self.sessions.len()
    }

    /// The framing in use.
    pub fn current_framing(&self) -> Framing {
        self.framing
    }

    fn serve_stream(&self, conn: &mut Connection) {
        let mut state = StreamLoop::new(self, conn);
        crate::protocol::drive(conn, None, |conn, wake| state.step(self, conn, wake));
    }

    fn busy_stream(&self, conn: &mut Connection) {
        let mut out = Vec::new();
        respond(&mut out, self.framing, |r| self.handler.busy(r));
        let _ = conn.write_all(&out);
    }

    fn serve_datagram(&self, datagram: &mut Datagram) -> io::Result<()> {
        let framing = self.framing.for_datagrams();
        let message = self.datagram_message(datagram.data());
        let mut out = Vec::new();
        let peer = datagram.peer_addr();
        self.sessions.with(
            peer,
            || self.handler.open(peer),
            |session| {
                let action = respond(&mut out, framing, |r| self.handler.handle(session, message, r));
                ((), action == Action::Continue)
            },
        );
        send(datagram, &out)
    }

    /// The message a datagram carries: with lines, without its newline.
    fn datagram_message<'d>(&self, data: &'d [u8]) -> &'d [u8] {
        if self.framing != Framing::Lines {
            return data;
        }
        let data = data.strip_suffix(b"\n").unwrap_or(data);
        data.strip_suffix(b"\r").unwrap_or(data)
    }

    fn busy_datagram(&self, datagram: &mut Datagram) {
        let mut out = Vec::new();
        respond(&mut out, self.framing.for_datagrams(), |r| self.handler.busy(r));
        let _ = send(datagram, &out);
    }

    fn oversized_datagram(&self, datagram: &mut Datagram) {
        let limit = datagram.server().config().max_message_size;
        let error = FrameError::TooLong { limit, announced: None };
        let mut out = Vec::new();
        respond(&mut out, self.framing.for_datagrams(), |r| self.handler.bad_message(&error, r));
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
impl<M: MessageHandler> RequestHandler<Connection> for Messages<M> {
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

/// Serves every datagram transport: each datagram is one message.
impl<M: MessageHandler> RequestHandler<Datagram> for Messages<M> {
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
