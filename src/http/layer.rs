//! The HTTP/1.1 layer over a stream connection.

use super::exchange::Exchange;
use super::http_protocol::HttpProtocol;
use super::writer::{Framing, Outgoing};
use super::{HttpHandler, HttpLimits, HttpResponse};
use crate::protocol::Protocol;
use crate::{Connection, RequestHandler};
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

/// The default `Server` header value.
const SERVER_NAME: &str = concat!("socketserver/", env!("CARGO_PKG_VERSION"));

/// Serves an [`HttpHandler`] over HTTP/1.0 and HTTP/1.1: the request
/// handler that turns a stream connection into a sequence of requests.
///
/// `Http` implements [`RequestHandler`] for every stream transport, so
/// every concurrency strategy serves HTTP. It owns the connection's loop: it parses each request head with
/// `httparse` (strict), reads the body (`Content-Length` or chunked,
/// sending `100 Continue` when asked), calls the application, and writes
/// the response; keep-alive and pipelined requests are served in order on
/// the same connection.
///
/// Bad input is answered with its status and the connection closed, so
/// nothing unread is ever parsed as the next request: `414` for a long
/// request line, `431` for a large head or too many fields, `413` for a
/// large body, `400` for a malformed request or ambiguous framing (two
/// different `Content-Length`s, `Content-Length` with
/// `Transfer-Encoding`, HTTP/1.1 without exactly one `Host`, a `Host`
/// that is not `host[:port]`, a target that is neither a path nor an
/// `http`/`https` URL with a host, a space inside the target), `421` for
/// an `https://` target on a plain connection, `501` for an unknown
/// method or transfer coding, `505` for HTTP/2 and later (`HTTP/1.2` and
/// other later minors are served as 1.1), `417`
/// for an expectation other than `100-continue`, and `408` when the head
/// (or a stalled body) does not arrive in time. Limits are in
/// [`HttpLimits`].
///
/// When the server shuts down, the response in progress carries
/// `Connection: close` and the connection ends after it. When the server
/// rejects a connection at capacity, it answers `503`.
///
/// No wait for a client holds a thread under
/// [`ThreadPool`](crate::ThreadPool) or [`SingleThread`](crate::SingleThread):
/// the connection is a state machine the server steps when its socket is
/// ready. Waiting for a request head or the rest of a body, the pause
/// between keep-alive requests, `100 Continue`, a client slow to read the
/// response and the linger after a close are all waits in the server's
/// poller, each with its deadline (`idle_timeout` between requests,
/// `header_timeout` for a head, `read_timeout` for a stalled body,
/// `write_timeout` for a response not read). A thread runs the
/// application with the whole request, and writes the response until the
/// socket is full; a body from a reader is read 64 KiB at a time, only
/// once the previous 64 KiB are written, and a file body
/// ([`HttpResponse::file_body`]) goes with `sendfile(2)` on Linux over TCP
/// and Unix sockets, as far as the socket takes it, resumed when it
/// drains (see [`sendfile`](Self::sendfile)). Between requests a
/// connection holds no buffer. Under
/// [`ThreadPerConnection`](crate::ThreadPerConnection) the same steps run
/// on the connection's thread.
///
/// After answering with `Connection: close` the layer shuts its write side
/// and reads what the client still sends for up to a second (256 KiB at
/// most) before closing, so the client is not sent a reset that could
/// destroy the response in flight.
///
/// # Examples
///
/// ```
/// # #[cfg(feature = "handlers")] {
/// use socketserver::handlers::Hello;
/// use socketserver::http::Http;
/// use socketserver::{Server, Tcp, ThreadPool};
/// use std::io::{Read, Write};
///
/// let server = Server::builder(Http::new(Hello))
///     .concurrency(ThreadPool::new(4))
///     .bind::<Tcp>("127.0.0.1:0")?;
/// let addr = server.local_addr().as_inet().unwrap();
/// let stop = server.shutdown_handle();
/// let serving = std::thread::spawn(move || server.serve_forever());
///
/// let mut client = std::net::TcpStream::connect(addr)?;
/// client.write_all(b"GET / HTTP/1.0\r\n\r\n")?;
/// let mut answer = String::new();
/// client.read_to_string(&mut answer)?;
/// assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"));
/// assert!(answer.contains("Hello From Server at "));
///
/// stop.shutdown();
/// serving.join().unwrap()?;
/// # }
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Http<A> {
    pub(super) app: A,
    pub(super) limits: HttpLimits,
    pub(super) server_name: String,
    pub(super) sendfile: bool,
}

impl<A: HttpHandler> Http<A> {
    /// Serves `app` with the default [`HttpLimits`].
    pub fn new(app: A) -> Http<A> {
        Http { app, limits: HttpLimits::default(), server_name: SERVER_NAME.to_string(), sendfile: true }
    }

    /// Sets the limits. Default is [`HttpLimits::default`].
    pub fn limits(mut self, limits: HttpLimits) -> Http<A> {
        self.limits = limits;
        self
    }

    /// Sets the `Server` header value sent when the application sets none.
    /// Default is `socketserver/VERSION`.
    ///
    /// # Errors
    ///
    /// Fails with `InvalidInput` when `name` holds a control character.
    pub fn server_name(mut self, name: &str) -> io::Result<Http<A>> {
        HttpResponse::new(200).header("Server", name)?;
        self.server_name = name.to_string();
        Ok(self)
    }

    /// Whether file bodies ([`HttpResponse::file_body`]) go to the socket
    /// with `sendfile(2)` where the platform and the connection allow it
    /// (Linux; plain TCP and Unix sockets). Default: `true`. With `false`
    /// they are read and written through the connection's buffer, as they
    /// always are over a stream that transforms its bytes (TLS).
    pub fn sendfile(mut self, on: bool) -> Http<A> {
        self.sendfile = on;
        self
    }

    /// The application.
    pub fn app(&self) -> &A {
        &self.app
    }

    /// The limits in force.
    pub fn current_limits(&self) -> &HttpLimits {
        &self.limits
    }

    /// Serves the connection on the calling thread, waiting on its socket
    /// between steps.
    fn serve(&self, conn: &mut Connection) {
        let mut exchange = Exchange::new(self);
        crate::protocol::drive(conn, None, |conn, wake| exchange.step(self, conn, wake));
    }

    /// Answers a connection the server has no room for.
    fn refuse(&self, conn: &mut Connection) {
        let response =
            HttpResponse::text(503, "503 Service Unavailable: the server is at capacity; retry later\n");
        let framing =
            Framing { head_only: false, http10: false, keep_alive: false, server_name: &self.server_name };
        let mut out = Vec::new();
        if Outgoing::start(&mut out, response, framing).is_ok() {
            let _ = conn.write_all(&out);
        }
    }
}

impl<A> fmt::Debug for Http<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Http")
            .field("app", &std::any::type_name::<A>())
            .field("limits", &self.limits)
            .field("server_name", &self.server_name)
            .field("sendfile", &self.sendfile)
            .finish()
    }
}

/// Serves every stream transport (TCP, Unix stream): the server drives
/// each connection in steps ([`protocol`](RequestHandler::protocol));
/// `handle` runs the same steps on the calling thread, for a handler that
/// wraps this one.
impl<A: HttpHandler> RequestHandler<Connection> for Http<A> {
    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        self.serve(conn);
        Ok(())
    }

    fn busy(&self, conn: &mut Connection) {
        self.refuse(conn)
    }

    fn protocol(self: &Arc<Self>) -> Option<Box<dyn Protocol>> {
        Some(Box::new(HttpProtocol::new(Arc::clone(self))))
    }
}
