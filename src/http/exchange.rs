//! One connection's request loop: read, check, answer, repeat.

use super::body_length::BodyLength;
use super::body_reader::BodyReader;
use super::head::RequestHead;
use super::head_reader::{read_head, HeadWaits};
use super::rejection::Rejection;
use super::stop::Stop;
use super::writer::{write_response, Framing};
use super::{Http, HttpHandler, HttpRequest, HttpResponse, Method};
use crate::request::non_zero;
use crate::request::ReadBuffer;
use crate::{log_failure, Connection, Failure};
use std::io::{self, Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// Input of at least this size is buffered (more if a head may be larger).
const BUFFER: usize = 64 * 1024;
/// How long a closing connection keeps reading what the client still sends.
const LINGER: Duration = Duration::from_secs(1);
/// How much a closing connection reads before giving up on the client.
const LINGER_BYTES: usize = 256 * 1024;

/// The request loop of one connection.
#[derive(Debug)]
pub(super) struct Exchange<'a, A> {
    http: &'a Http<A>,
    conn: &'a mut Connection,
    input: ReadBuffer,
}

impl<'a, A: HttpHandler> Exchange<'a, A> {
    pub(super) fn new(http: &'a Http<A>, conn: &'a mut Connection) -> Self {
        let input = ReadBuffer::new(http.limits.max_head_size.max(BUFFER));
        Exchange { http, conn, input }
    }

    /// Serves requests until one side closes.
    ///
    /// # Errors
    ///
    /// Fails when the socket does.
    pub(super) fn run(mut self) -> io::Result<()> {
        loop {
            match self.serve_one() {
                Ok(true) => {}
                Ok(false) => return self.linger(),
                Err(Stop::Quiet(why)) => {
                    log::debug!("closing HTTP connection from {}: {why}", self.conn.peer_addr());
                    return Ok(());
                }
                Err(Stop::Reject(rejection)) => {
                    self.reject(rejection)?;
                    return self.linger();
                }
                Err(Stop::Io(err)) => return Err(err),
            }
        }
    }

    /// Serves one request; `Ok(true)` when the connection stays open.
    fn serve_one(&mut self) -> Result<bool, Stop> {
        let head = self.read_head()?;
        let method = Method::from_token(&head.method).ok_or_else(|| {
            Rejection::new(
                501,
                format!(
                    "the method {} is not implemented; known methods are \
                     GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE and PATCH",
                    head.method
                ),
            )
        })?;
        check_host(&head)?;
        let length = BodyLength::of(&head)?;
        BodyReader::check_declared(length, &self.http.limits)?;
        self.expect_continue(&head, length)?;
        let read_timeout = non_zero(self.conn.server().config().read_timeout);
        let limits = &self.http.limits;
        let body =
            BodyReader { input: &mut self.input, source: self.conn, read_timeout, limits }.read(length)?;
        let keep_alive = wants_keep_alive(&head) && !self.conn.server().is_shutting_down();
        let http10 = head.minor == 0;
        let request = HttpRequest::new(head, method, body, self.conn.peer_addr().clone());
        let response = self.call(&request);
        let keep_alive = keep_alive && !self.conn.server().is_shutting_down();
        let framing = Framing {
            head_only: method == Method::Head,
            http10,
            keep_alive,
            server_name: &self.http.server_name,
        };
        Ok(write_response(self.conn, response, framing)?)
    }

    /// Reads until a whole head has arrived: waits `idle_timeout` for its
    /// first byte, then `header_timeout` for the rest.
    fn read_head(&mut self) -> Result<RequestHead, Stop> {
        let config = self.conn.server().config();
        let waits = HeadWaits {
            idle: non_zero(config.idle_timeout),
            head: self.http.limits.header_timeout.or(non_zero(config.read_timeout)),
        };
        read_head(&mut self.input, self.conn, &self.http.limits, waits)
    }

    /// Answers `Expect: 100-continue` before reading the body; refuses
    /// any other expectation with 417.
    fn expect_continue(&mut self, head: &RequestHead, length: BodyLength) -> Result<(), Stop> {
        let expect = head.list("expect");
        if expect.is_empty() || head.minor == 0 {
            return Ok(());
        }
        if expect != ["100-continue"] {
            return Err(Stop::Reject(Rejection::new(
                417,
                format!("the expectation {expect:?} is not supported; only `Expect: 100-continue` is"),
            )));
        }
        if length != BodyLength::Empty && self.input.pending().is_empty() {
            self.conn.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        Ok(())
    }

    /// Runs the application; an error or a panic becomes a 500.
    fn call(&self, request: &HttpRequest) -> HttpResponse {
        let failure = match catch_unwind(AssertUnwindSafe(|| self.http.app.respond(request))) {
            Ok(Ok(response)) => return response,
            Ok(Err(err)) => Failure::Io(err),
            Err(payload) => Failure::from_panic(payload),
        };
        log_failure(request.peer_addr(), &failure);
        HttpResponse::text(
            500,
            "500 Internal Server Error: the application failed on this request; the server log has the cause\n",
        )
    }

    /// Answers a refused request, with `Connection: close`.
    fn reject(&mut self, rejection: Rejection) -> io::Result<()> {
        log::debug!(
            "refusing a request from {} with {}: {}",
            self.conn.peer_addr(),
            rejection.status,
            rejection.message
        );
        let text = format!("{} {}\n", rejection.status, rejection.message);
        let framing = Framing {
            head_only: false,
            http10: false,
            keep_alive: false,
            server_name: &self.http.server_name,
        };
        write_response(self.conn, HttpResponse::text(rejection.status, text), framing).map(drop)
    }

    /// Closes gracefully: FIN first, then drain what the client still
    /// sends (bounded in time and bytes), so no reset destroys the last
    /// response before the client reads it.
    fn linger(&mut self) -> io::Result<()> {
        if self.conn.shutdown_write().is_err() {
            return Ok(());
        }
        let deadline = Instant::now() + LINGER;
        let mut scratch = [0; 8 * 1024];
        let mut drained = 0;
        while drained < LINGER_BYTES {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || self.conn.set_read_timeout(Some(left)).is_err() {
                break;
            }
            match self.conn.read(&mut scratch) {
                Ok(0) => break,
                Ok(n) => drained += n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        Ok(())
    }
}

/// HTTP/1.1 requests need exactly one `Host` (RFC 9112 §3.2).
pub(super) fn check_host(head: &RequestHead) -> Result<(), Rejection> {
    if head.minor == 1 && head.values("host").count() != 1 {
        return Err(Rejection::new(400, "an HTTP/1.1 request needs exactly one Host header"));
    }
    Ok(())
}

/// HTTP/1.1 keeps the connection unless told `close`; HTTP/1.0 closes it
/// unless told `keep-alive`.
fn wants_keep_alive(head: &RequestHead) -> bool {
    match head.minor {
        0 => head.has_token("connection", "keep-alive"),
        _ => !head.has_token("connection", "close"),
    }
}
