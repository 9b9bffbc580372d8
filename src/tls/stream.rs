//! A TLS session over a TCP connection: the socket and its rustls state,
//! read and written like the socket itself.

use parking_lot::Mutex;
use rustls::ServerConnection;
use std::io::{self, IoSlice, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A TLS connection from a [`Tls`](super::Tls) listener: the TCP
/// socket and the rustls session over it.
///
/// Reading and writing work in both modes of the socket, and the
/// handshake is part of them: it starts with the first read or write (so
/// whatever comes before the `ClientHello` can still be read from the
/// socket) and must finish within the handshake timeout.
///
/// - Non-blocking (the server's protocol steps): a read drains the socket
///   until it would block or there is plaintext to return, and returns
///   `WouldBlock` only when no plaintext is left; a write takes plaintext
///   only when no earlier ciphertext is still waiting for the socket, so
///   `WouldBlock` means what it means for TCP. [`flush`](Write::flush)
///   reports `WouldBlock` while ciphertext waits.
/// - Blocking (raw handlers): every write is on the socket when it
///   returns, and each handshake read waits no later than the deadline.
///
/// Nothing is ever written to the socket except through rustls, but for
/// the plaintext `400` that a listener serving HTTP answers to a plain
/// HTTP request sent before any handshake (see
/// [`TlsConfig::alpn`](super::TlsConfig::alpn)).
#[derive(Debug)]
pub struct TlsStream {
    tcp: TcpStream,
    session: Mutex<Session>,
    nonblocking: AtomicBool,
}

/// Where a handshake stands after [`TlsStream::progress`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TlsProgress {
    /// Done: plaintext flows.
    Done,
    /// Waiting for the client's next message, until the deadline.
    Read(Instant),
    /// Waiting for room in the socket, until the deadline.
    Write(Instant),
    /// The client sent plaintext HTTP, not a `ClientHello` (only looked
    /// for on listeners that serve HTTP): nothing was read or answered.
    PlainHttp,
}

/// The rustls state and the handshake's deadline.
#[derive(Debug)]
struct Session {
    conn: ServerConnection,
    handshake_timeout: Duration,
    /// Set by the first read or write while handshaking.
    deadline: Option<Instant>,
    /// The socket reported end of stream.
    eof: bool,
    /// Whether the first bytes are still to be checked for plaintext HTTP.
    detect_plain_http: bool,
}

/// The error that stands for [`TlsProgress::PlainHttp`] inside a read.
#[derive(Debug)]
struct PlainHttp;

impl std::fmt::Display for PlainHttp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a plain HTTP request was sent to a TLS port")
    }
}

impl std::error::Error for PlainHttp {}

impl TlsStream {
    /// A TLS session over `tcp`, whose handshake must finish within
    /// `handshake_timeout` of its first read or write.
    pub fn new(tcp: TcpStream, conn: ServerConnection, handshake_timeout: Duration) -> TlsStream {
        let session =
            Session { conn, handshake_timeout, deadline: None, eof: false, detect_plain_http: false };
        TlsStream { tcp, session: Mutex::new(session), nonblocking: AtomicBool::new(false) }
    }

    /// Looks at the first byte before the handshake reads it: an ASCII
    /// capital (the start of `GET`, `POST`, ...; a TLS record starts with
    /// 20 to 24, an SSLv2 hello with its high bit set) is a plain HTTP
    /// request, which [`progress`](Self::progress) reports as
    /// [`TlsProgress::PlainHttp`] instead of a failed handshake. For
    /// listeners that serve HTTP.
    pub(crate) fn detecting_plain_http(self) -> TlsStream {
        self.session.lock().detect_plain_http = true;
        self
    }

    /// Whether rustls holds ciphertext the socket has not taken yet.
    #[cfg(test)]
    pub(crate) fn holds_ciphertext(&self) -> bool {
        self.session.lock().conn.wants_write()
    }

    /// The TCP socket under the session. Reading or writing it directly
    /// breaks the session.
    pub fn tcp(&self) -> &TcpStream {
        &self.tcp
    }

    /// The name the client asked for (SNI), once its `ClientHello` came.
    pub fn server_name(&self) -> Option<String> {
        self.session.lock().conn.server_name().map(str::to_owned)
    }

    /// The application protocol agreed by ALPN, once the handshake is done.
    pub fn alpn_protocol(&self) -> Option<Vec<u8>> {
        self.session.lock().conn.alpn_protocol().map(<[u8]>::to_vec)
    }

    /// The TLS version agreed, once the handshake is done.
    pub fn protocol_version(&self) -> Option<rustls::ProtocolVersion> {
        self.session.lock().conn.protocol_version()
    }

    /// Whether the handshake is still under way.
    pub fn is_handshaking(&self) -> bool {
        self.session.lock().conn.is_handshaking()
    }

    /// Moves the handshake on as far as the socket allows: done, or what
    /// it waits for and until when.
    ///
    /// # Errors
    ///
    /// The client broke the handshake (not TLS, a bad message, an alert),
    /// closed or reset the connection, or the deadline passed
    /// (`TimedOut`).
    pub(crate) fn progress(&self) -> io::Result<TlsProgress> {
        let mut session = self.session.lock();
        let blocking = !self.nonblocking.load(Ordering::Relaxed);
        loop {
            let flushed = session.flush(&self.tcp)?;
            if !session.conn.is_handshaking() {
                return Ok(TlsProgress::Done);
            }
            match session.receive(&self.tcp, blocking) {
                Ok(0) => return Err(session.eof_error()),
                Ok(_) => {}
                Err(err) if err.get_ref().is_some_and(|inner| inner.is::<PlainHttp>()) => {
                    return Ok(TlsProgress::PlainHttp)
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    let at = session.deadline();
                    return Ok(if flushed { TlsProgress::Read(at) } else { TlsProgress::Write(at) });
                }
                Err(err) => return Err(err),
            }
        }
    }

    /// Pushes out the ciphertext rustls holds: `true` when none is left.
    pub(crate) fn flush_pending(&self) -> io::Result<bool> {
        self.session.lock().flush(&self.tcp)
    }

    pub(crate) fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        self.tcp.set_nonblocking(nonblocking)?;
        self.nonblocking.store(nonblocking, Ordering::Relaxed);
        Ok(())
    }

    /// Sends `close_notify` before shutting the write side, when the
    /// socket takes it; a shutdown of the read side only is TCP's.
    pub(crate) fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        if how != Shutdown::Read {
            let mut session = self.session.lock();
            session.conn.send_close_notify();
            if !session.flush(&self.tcp)? {
                // Ciphertext waits: shutting the socket would cut it off.
                return Ok(());
            }
        }
        self.tcp.shutdown(how)
    }
}

impl Drop for TlsStream {
    /// Says goodbye with `close_notify` when the socket takes it at once
    /// (a raw handler that returned, say); never waits for the client.
    fn drop(&mut self) {
        let session = self.session.get_mut();
        if session.conn.is_handshaking() || self.tcp.set_nonblocking(true).is_err() {
            return;
        }
        session.conn.send_close_notify();
        let _ = session.flush(&self.tcp);
    }
}

impl Session {
    /// Writes pending ciphertext until none is left (`true`) or the socket
    /// would block (`false`).
    fn flush(&mut self, mut tcp: &TcpStream) -> io::Result<bool> {
        while self.conn.wants_write() {
            match self.conn.write_tls(&mut tcp) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(_) => {}
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(err) => return Err(err),
            }
        }
        Ok(true)
    }

    /// Reads one batch of ciphertext from the socket and processes it;
    /// the bytes read, `0` at end of stream. A handshake past its
    /// deadline fails with `TimedOut`; a blocking handshake read waits no
    /// later than the deadline.
    fn receive(&mut self, mut tcp: &TcpStream, blocking: bool) -> io::Result<usize> {
        let handshaking = self.conn.is_handshaking();
        let restore = if handshaking { self.before_handshake_read(tcp, blocking)? } else { None };
        let read = match self.plain_http(tcp) {
            Ok(false) => self.conn.read_tls(&mut tcp),
            Ok(true) => Err(io::Error::new(io::ErrorKind::InvalidData, PlainHttp)),
            Err(err) => Err(err),
        };
        if let Some(timeout) = restore {
            tcp.set_read_timeout(timeout)?;
        }
        let n = match read {
            Ok(n) => n,
            Err(err) if handshaking && blocking && err.kind() == io::ErrorKind::WouldBlock => {
                return Err(self.timed_out())
            }
            Err(err) => return Err(err),
        };
        if n == 0 {
            self.eof = true;
        }
        if let Err(err) = self.conn.process_new_packets() {
            // rustls queued an alert saying why: send it if the socket
            // takes it now.
            let _ = self.flush(tcp);
            return Err(io::Error::new(io::ErrorKind::InvalidData, format!("TLS: {err}")));
        }
        Ok(n)
    }

    /// Whether the first bytes from the client are plaintext HTTP: looked
    /// at once (a peek, so nothing is consumed), when asked for, before
    /// the handshake read them. A socket with nothing yet fails as a read
    /// of it would (`WouldBlock`, or the blocking read's timeout).
    fn plain_http(&mut self, tcp: &TcpStream) -> io::Result<bool> {
        if !self.detect_plain_http || !self.conn.is_handshaking() {
            return Ok(false);
        }
        let mut first = [0u8; 1];
        let n = tcp.peek(&mut first)?;
        self.detect_plain_http = false;
        Ok(n == 1 && first[0].is_ascii_uppercase())
    }

    /// Starts the handshake clock, fails past the deadline, and for a
    /// blocking socket limits the read to the time left (returning the
    /// timeout to restore).
    fn before_handshake_read(
        &mut self,
        tcp: &TcpStream,
        blocking: bool,
    ) -> io::Result<Option<Option<Duration>>> {
        let deadline = self.deadline();
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(self.timed_out());
        }
        if !blocking {
            return Ok(None);
        }
        let before = tcp.read_timeout()?;
        let limit = before.map_or(left, |t| t.min(left));
        tcp.set_read_timeout(Some(limit))?;
        Ok(Some(before))
    }

    /// The handshake's deadline, counted from now if it had not started.
    fn deadline(&mut self) -> Instant {
        *self.deadline.get_or_insert_with(|| Instant::now() + self.handshake_timeout)
    }

    fn timed_out(&self) -> io::Error {
        io::Error::new(
            io::ErrorKind::TimedOut,
            format!("the TLS handshake did not finish within {:?}", self.handshake_timeout),
        )
    }

    fn eof_error(&self) -> io::Error {
        io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the client closed the connection during the TLS handshake",
        )
    }

    /// Plaintext the session holds, if any: `Ok(None)` when it needs more
    /// from the socket.
    fn plaintext(&mut self, buf: &mut [u8]) -> io::Result<Option<usize>> {
        match self.conn.reader().read(buf) {
            Ok(n) => Ok(Some(n)),
            Err(err) if err.kind() == io::ErrorKind::WouldBlock && !self.eof => Ok(None),
            // End of stream without close_notify: a request is framed by
            // its protocol, so this is an ordinary close here.
            Err(err) if matches!(err.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::UnexpectedEof) => {
                Ok(Some(0))
            }
            Err(err) => Err(err),
        }
    }

    fn read(&mut self, tcp: &TcpStream, buf: &mut [u8], blocking: bool) -> io::Result<usize> {
        loop {
            self.flush(tcp)?;
            if let Some(n) = self.plaintext(buf)? {
                return Ok(n);
            }
            self.receive(tcp, blocking)?;
        }
    }

    /// Completes the handshake before plaintext is taken: blocking, until
    /// done; non-blocking, as far as the socket allows (`WouldBlock`
    /// while it is not done).
    fn settle_handshake(&mut self, tcp: &TcpStream, blocking: bool) -> io::Result<()> {
        while self.conn.is_handshaking() {
            self.flush(tcp)?;
            if self.receive(tcp, blocking)? == 0 {
                return Err(self.eof_error());
            }
        }
        Ok(())
    }

    fn write(
        &mut self,
        tcp: &TcpStream,
        blocking: bool,
        put: impl FnOnce(&mut ServerConnection) -> io::Result<usize>,
    ) -> io::Result<usize> {
        self.settle_handshake(tcp, blocking)?;
        if !self.flush(tcp)? {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = put(&mut self.conn)?;
        // What the socket does not take now waits for the next write or
        // flush.
        self.flush(tcp)?;
        Ok(n)
    }
}

impl Read for &TlsStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let blocking = !self.nonblocking.load(Ordering::Relaxed);
        self.session.lock().read(&self.tcp, buf, blocking)
    }
}

impl Write for &TlsStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let blocking = !self.nonblocking.load(Ordering::Relaxed);
        self.session.lock().write(&self.tcp, blocking, |conn| conn.writer().write(buf))
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        let blocking = !self.nonblocking.load(Ordering::Relaxed);
        self.session.lock().write(&self.tcp, blocking, |conn| conn.writer().write_vectored(bufs))
    }

    /// Writes out the ciphertext still held; `WouldBlock` when the socket
    /// does not take all of it.
    fn flush(&mut self) -> io::Result<()> {
        if self.flush_pending()? {
            Ok(())
        } else {
            Err(io::ErrorKind::WouldBlock.into())
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rustls::pki_types::{PrivateKeyDer, ServerName};
    use std::net::TcpListener;
    use std::sync::Arc;

    /// A server session and a client session over loopback TCP, handshake
    /// done; the client's receive buffer is small.
    pub(crate) fn pair() -> (TlsStream, rustls::StreamOwned<rustls::ClientConnection, TcpStream>) {
        let made = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let key = PrivateKeyDer::try_from(made.key_pair.serialize_der()).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let server = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![made.cert.der().clone()], key)
            .unwrap();
        let mut roots = rustls::RootCertStore::empty();
        roots.add(made.cert.der().clone()).unwrap();
        let client = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        socket.connect(&listener.local_addr().unwrap().into()).unwrap();
        let (accepted, _) = listener.accept().unwrap();
        let tls = TlsStream::new(
            accepted,
            ServerConnection::new(Arc::new(server)).unwrap(),
            Duration::from_secs(10),
        );
        let name = ServerName::try_from("localhost").unwrap();
        let conn = rustls::ClientConnection::new(Arc::new(client), name).unwrap();
        let tcp: TcpStream = socket.into();
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut client = rustls::StreamOwned::new(conn, tcp);
        let handshake = std::thread::scope(|s| {
            let server = s.spawn(|| tls.progress());
            client.conn.complete_io(&mut client.sock).unwrap();
            server.join().unwrap()
        });
        assert_eq!(handshake.unwrap(), TlsProgress::Done);
        (tls, client)
    }
}
