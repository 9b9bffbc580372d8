//! One connection's request loop as a resumable state machine: read a
//! request as far as the bytes allow, answer it, write the answer as far
//! as the socket allows, and say what to wait for next.

use super::access_log::AccessRecord;
use super::head::RequestHead;
use super::rejection::Rejection;
use super::request_reader::{ReadRequest, RequestReader};
use super::target::wants_https;
use super::writer::{Framing, Outgoing, Sent};
use super::{Http, HttpHandler, HttpRequest, HttpResponse, Method};
use crate::protocol::{Engine, Wait, Wake};
use crate::request::Stream;
use crate::request::{non_zero, Filled};
use crate::{log_failure, Connection, Failure};
use std::io::{self, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// Input of at least this size is buffered (more if a head may be larger).
const BUFFER: usize = 64 * 1024;
/// How long a closing connection keeps reading what the client still sends.
const LINGER: Duration = Duration::from_secs(1);
/// How much a closing connection reads before giving up on the client.
const LINGER_BYTES: usize = 256 * 1024;
/// How long a connection between requests stays open once the server
/// drains: a keep-alive client may have sent its next request just as the
/// drain began, and a close now would race it (the client sees its request
/// fail). A request that comes within the grace is answered with
/// `Connection: close`; then, or at the grace's end, the connection closes.
const DRAIN_GRACE: Duration = Duration::from_secs(1);
/// What the server sends before a body the client holds back.
const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

/// What the connection is doing.
#[derive(Debug)]
enum Phase {
    /// Reading a request (or waiting for the next one).
    Reading(RequestReader),
    /// Writing a response.
    Writing(Outgoing),
    /// The last response is written and the write side shut: reading and
    /// dropping what the client still sends, until `until` or
    /// [`LINGER_BYTES`].
    Lingering { until: Instant, drained: usize },
}

/// What one HTTP connection keeps between steps: its phase and the
/// engine's buffers and clock. While it waits between requests both
/// buffers are empty and hold no memory.
#[derive(Debug)]
pub(super) struct Exchange {
    phase: Phase,
    engine: Engine,
    /// The access log's line for the response being written.
    access: Option<Box<AccessRecord>>,
    /// When the server drains, the end of this connection's
    /// [`DRAIN_GRACE`] between requests.
    drain_grace: Option<Instant>,
    /// The status of the response being written, for the server's
    /// counters (0: none).
    answering: u16,
}

impl Exchange {
    /// The state of a new connection.
    pub(super) fn new<A>(http: &Http<A>) -> Exchange {
        Exchange {
            phase: Phase::Reading(RequestReader::default()),
            engine: Engine::new(http.limits.max_head_size.max(BUFFER)),
            access: None,
            drain_grace: None,
            answering: 0,
        }
    }

    /// Runs the connection as far as it allows; see
    /// [`Protocol::step`](crate::protocol::Protocol::step).
    pub(super) fn step<A: HttpHandler>(&mut self, http: &Http<A>, conn: &mut Connection, wake: Wake) -> Wait {
        match self.advance(http, conn, wake) {
            Ok(wait) => wait,
            Err(err) => {
                log::debug!("closing HTTP connection from {}: {err}", conn.peer_addr());
                Wait::Close
            }
        }
    }

    fn advance<A: HttpHandler>(
        &mut self,
        http: &Http<A>,
        conn: &mut Connection,
        wake: Wake,
    ) -> io::Result<Wait> {
        self.engine.begin_step();
        if wake == Wake::TimedOut {
            if let Some(wait) = self.timed_out(http, conn) {
                return Ok(wait);
            }
        }
        loop {
            if !self.flush(conn)? {
                return Ok(self.engine.write_wait(conn.server().config()));
            }
            match &mut self.phase {
                Phase::Writing(outgoing) if !outgoing.is_done() => {
                    let fd = conn.stream().sendfile_fd().filter(|_| http.sendfile);
                    let left = outgoing.file_left();
                    let sent = fd.map_or(Ok(Sent::NotAFile), |fd| outgoing.send_file(fd));
                    let by_file = left - outgoing.file_left();
                    conn.count_sent(by_file);
                    if let Some(record) = &mut self.access {
                        record.sent(by_file as usize);
                    }
                    let refilled = match sent {
                        // The client went away mid-file: as for any write.
                        Err(err) if is_peer_gone(&err) => return Err(err),
                        Ok(Sent::NotAFile) => outgoing.refill(self.engine.out.buf()),
                        Ok(Sent::Blocked { progress }) => {
                            self.engine.clock.blocked(Instant::now(), progress);
                            return Ok(self.engine.write_wait(conn.server().config()));
                        }
                        done => done.map(drop),
                    };
                    if let Err(err) = refilled {
                        return Ok(body_failed(conn, &err));
                    }
                }
                Phase::Writing(outgoing) => {
                    let keep_alive = outgoing.keep_alive();
                    if let Some(record) = self.access.take() {
                        record.finish(conn.peer_addr());
                    }
                    if !keep_alive && conn.shutdown_write().is_err() {
                        return Ok(Wait::Close);
                    }
                    let clock = &self.engine.clock;
                    let began = clock.began().unwrap_or(clock.last_bytes());
                    self.written(keep_alive);
                    self.count_answer(conn, began);
                    if keep_alive && self.engine.may_wait_unread(conn) {
                        return Ok(self.idle_wait(conn));
                    }
                }
                // The budget is spent: to the back of the queue before
                // another request is parsed or read.
                Phase::Reading(_) if self.engine.exhausted() => return Ok(Wait::Yield),
                Phase::Reading(reader) => match reader.advance(&mut self.engine.input, &http.limits) {
                    Ok(Some(request)) => {
                        if let Err(err) = self.respond(http, conn, request) {
                            return Ok(body_failed(conn, &err));
                        }
                    }
                    Ok(None) if reader.take_continue() => self.engine.out.buf().extend_from_slice(CONTINUE),
                    Ok(None) => match self.engine.fill(conn)? {
                        Some(Filled::Data) => {}
                        Some(_) => return Ok(self.closed(conn)),
                        None => return Ok(self.read_wait(http, conn)),
                    },
                    Err(rejection) => self.reject(http, conn, rejection)?,
                },
                Phase::Lingering { until, drained } => return Ok(linger(conn, *until, drained)),
            }
        }
    }

    /// The client closed its side while a request was awaited or read.
    fn closed(&self, conn: &Connection) -> Wait {
        let midway = self.engine.input.len() > 0 || matches!(&self.phase, Phase::Reading(r) if !r.in_head());
        if midway {
            log::debug!(
                "closing HTTP connection from {}: the client closed it mid-request",
                conn.peer_addr()
            );
        }
        Wait::Close
    }

    /// A response is all written: wait for the next request, or linger.
    fn written(&mut self, keep_alive: bool) {
        self.engine.answered();
        self.phase = if keep_alive {
            Phase::Reading(RequestReader::default())
        } else {
            Phase::Lingering { until: Instant::now() + LINGER, drained: 0 }
        };
    }

    /// Counts the answer just written in the server's counters, timed
    /// by the clock reading [`written`](Self::written) took, not another.
    fn count_answer(&mut self, conn: &Connection, began: Instant) {
        let status = std::mem::take(&mut self.answering);
        if status != 0 {
            let took = self.engine.clock.idle_since().saturating_duration_since(began);
            conn.server().counters().http_response(status, took);
        }
    }

    /// Runs the application on a whole request and starts its response.
    fn respond<A: HttpHandler>(
        &mut self,
        http: &Http<A>,
        conn: &Connection,
        request: ReadRequest,
    ) -> io::Result<()> {
        let ReadRequest { head, method, body, .. } = request;
        if let Some(rejection) = misdirected(&head, conn) {
            return self.reject(http, conn, rejection);
        }
        let began = self.engine.clock.began().unwrap_or_else(Instant::now);
        let draining = || conn.server().is_shutting_down();
        let keep_alive = wants_keep_alive(&head) && !draining();
        let http10 = head.minor == 0;
        let request = HttpRequest::new(head, method, body, conn.peer_addr().clone());
        let response = call(http, &request);
        self.access = AccessRecord::answered(&request, response.status(), began);
        self.answering = response.status();
        drop(request);
        let framing = Framing {
            head_only: method == Method::Head,
            http10,
            keep_alive: keep_alive && !draining(),
            server_name: &http.server_name,
        };
        self.phase = Phase::Writing(Outgoing::start(self.engine.out.buf(), response, framing)?);
        Ok(())
    }

    /// Answers a refused request with `Connection: close`.
    fn reject<A>(&mut self, http: &Http<A>, conn: &Connection, rejection: Rejection) -> io::Result<()> {
        log::debug!(
            "refusing a request from {} with {}: {}",
            conn.peer_addr(),
            rejection.status,
            rejection.message
        );
        let clock = &self.engine.clock;
        let began = clock.began().unwrap_or(clock.last_bytes());
        self.access = AccessRecord::refused(rejection.status, began);
        self.answering = rejection.status;
        let text = format!("{} {}\n", rejection.status, rejection.message);
        let framing =
            Framing { head_only: false, http10: false, keep_alive: false, server_name: &http.server_name };
        let response = HttpResponse::text(rejection.status, text);
        self.phase = Phase::Writing(Outgoing::start(self.engine.out.buf(), response, framing)?);
        Ok(())
    }

    /// Writes what is buffered; `false` when the socket would block.
    fn flush(&mut self, conn: &mut Connection) -> io::Result<bool> {
        let flushed = self.engine.flush(conn)?;
        if let Some(record) = &mut self.access {
            record.sent(flushed.wrote);
        }
        Ok(flushed.done)
    }

    /// What to wait for when the socket has no more bytes: the next
    /// request (idle), the rest of its head, or the rest of its body.
    fn read_wait<A>(&mut self, http: &Http<A>, conn: &Connection) -> Wait {
        let config = conn.server().config();
        let Phase::Reading(reader) = &self.phase else { return Wait::Close };
        if !reader.in_head() {
            return Wait::Read(self.engine.clock.stall_deadline(non_zero(config.read_timeout)));
        }
        if self.engine.input.len() == 0 {
            return self.idle_wait(conn);
        }
        Wait::Read(self.engine.clock.request_deadline(head_limit(http, conn)))
    }

    /// Between requests: the idle wait, or once the server drains the
    /// [`DRAIN_GRACE`], waited as a linger (between requests, so a drain
    /// does not count it in flight, but not closed by the drain at once).
    fn idle_wait(&mut self, conn: &Connection) -> Wait {
        if !conn.server().is_shutting_down() {
            return self.engine.idle_wait(conn.server().config());
        }
        Wait::Linger(*self.drain_grace.get_or_insert_with(|| Instant::now() + DRAIN_GRACE))
    }

    /// The deadline of the last wait passed: close (idle, lingering, a
    /// reply not read), answer 408 (a head or body too slow), or go on
    /// (`None`) if the deadline moved meanwhile.
    fn timed_out<A>(&mut self, http: &Http<A>, conn: &mut Connection) -> Option<Wait> {
        let config = conn.server().config();
        let now = Instant::now();
        if self.engine.writing() {
            if !self.engine.write_expired(config) {
                return None;
            }
            log::debug!(
                "closing HTTP connection from {}: response not read within write_timeout",
                conn.peer_addr()
            );
            return Some(Wait::Close);
        }
        let reader = match &self.phase {
            Phase::Lingering { until, .. } => return (now >= *until).then_some(Wait::Close),
            Phase::Writing(_) => return None,
            Phase::Reading(reader) => reader,
        };
        let in_head = reader.in_head();
        let idle_timeout = config.idle_timeout;
        let read_timeout = non_zero(config.read_timeout);
        let rejection = if !in_head {
            let clock = &self.engine.clock;
            if !clock.stall_expired(now, read_timeout) {
                return None;
            }
            let stalled = now.duration_since(clock.last_bytes());
            Rejection::new(408, format!("the request body stalled: nothing arrived for {stalled:?}"))
        } else if self.engine.input.len() == 0 {
            if self.drain_grace.is_some_and(|until| now >= until) {
                log::debug!("closing HTTP connection from {}: the drain's grace ended", conn.peer_addr());
                return Some(Wait::Close);
            }
            if !self.engine.idle_expired(conn, idle_timeout) {
                return None;
            }
            log::debug!("closing HTTP connection from {}: idle longer than idle_timeout", conn.peer_addr());
            return Some(Wait::Close);
        } else {
            let clock = &self.engine.clock;
            if !clock.request_expired(now, head_limit(http, conn)) {
                return None;
            }
            let took = now.duration_since(clock.began().unwrap_or(clock.last_bytes()));
            Rejection::new(408, format!("the request head did not arrive within {took:?}"))
        };
        match self.reject(http, conn, rejection) {
            Ok(()) => None,
            Err(_) => Some(Wait::Close),
        }
    }
}

/// How long a head may take once begun: `header_timeout`, else the
/// server's `read_timeout`.
fn head_limit<A>(http: &Http<A>, conn: &Connection) -> Option<Duration> {
    http.limits.header_timeout.or(non_zero(conn.server().config().read_timeout))
}

/// Reads and drops what a closing connection's client still sends, so
/// no reset destroys the last response before the client reads it.
fn linger(conn: &mut Connection, until: Instant, drained: &mut usize) -> Wait {
    let mut scratch = [0; 8 * 1024];
    while *drained < LINGER_BYTES {
        match conn.read(&mut scratch) {
            Ok(0) => return Wait::Close,
            Ok(n) => *drained += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Wait::Linger(until),
            Err(_) => return Wait::Close,
        }
    }
    Wait::Close
}

/// Whether a failed `sendfile(2)` failed on the socket's side: the
/// client reset or closed, which is logged like any failed write.
fn is_peer_gone(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted
    )
}

/// The reader of a response body failed (or ended before its length):
/// the response cannot be completed, so the connection closes.
fn body_failed(conn: &Connection, err: &io::Error) -> Wait {
    log::warn!("closing HTTP connection from {}: the response body failed: {err}", conn.peer_addr());
    Wait::Close
}

/// Runs the application; an error or a panic becomes a 500.
fn call<A: HttpHandler>(http: &Http<A>, request: &HttpRequest) -> HttpResponse {
    let failure = match catch_unwind(AssertUnwindSafe(|| http.app.respond(request))) {
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

/// An absolute-form target whose scheme is not the connection's
/// (`https://` over plain TCP, `http://` over TLS) is not for this
/// server: 421 (RFC 9110 §7.4, §15.5.20).
fn misdirected(head: &RequestHead, conn: &Connection) -> Option<Rejection> {
    let https = wants_https(head.target())?;
    let plain = matches!(conn.stream(), Stream::Tcp(_)) || is_unix(conn.stream());
    (https == plain).then(|| {
        let (asked, have) = if https { ("https", "plain") } else { ("http", "TLS") };
        Rejection::new(
            421,
            format!("the target asks for {asked} but this connection is {have}; send it to the {asked} port"),
        )
    })
}

#[cfg(unix)]
fn is_unix(stream: &Stream) -> bool {
    matches!(stream, Stream::Unix(_))
}

#[cfg(not(unix))]
fn is_unix(_: &Stream) -> bool {
    false
}

/// HTTP/1.1 keeps the connection unless told `close`; HTTP/1.0 closes it
/// unless told `keep-alive`.
fn wants_keep_alive(head: &RequestHead) -> bool {
    match head.minor {
        0 => head.has_token("connection", "keep-alive"),
        _ => !head.has_token("connection", "close"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_waiting_connection_keeps_a_small_state() {
        let size = std::mem::size_of::<Exchange>();
        assert!(size <= 256, "an HTTP connection's state is {size} bytes");
    }
}
