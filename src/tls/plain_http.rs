//! The answer to a plain HTTP request sent to a TLS listener that serves
//! HTTP: `400` in plaintext, then a linger, then the close.

use crate::protocol::{Wait, Wake};
use crate::Connection;
use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::time::{Duration, Instant};

/// What the client is told, in plaintext (it speaks no TLS).
const ANSWER: &[u8] = b"HTTP/1.1 400 Bad Request\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
Content-Length: 75\r\n\
Connection: close\r\n\
\r\n\
400 Bad Request: a plain HTTP request was sent to an HTTPS port; use https\n";

/// How long the request's unread bytes are read and dropped after the
/// answer, so the close does not reset the connection before the client
/// read the answer; the HTTP layer's linger.
const LINGER: Duration = Duration::from_secs(1);

/// Most bytes read and dropped while lingering.
const LINGER_BYTES: usize = 64 * 1024;

/// A connection refused for sending plain HTTP: answered, its write side
/// shut, lingering until the client closes, [`LINGER`] passes or
/// [`LINGER_BYTES`] came.
#[derive(Debug)]
pub(crate) struct PlainHttpRefusal {
    until: Instant,
    drained: usize,
}

impl PlainHttpRefusal {
    /// Writes the `400` straight to the socket (it is short, and the
    /// socket has sent nothing yet), shuts the write side and starts the
    /// linger.
    pub(crate) fn answer(conn: &mut Connection) -> (PlainHttpRefusal, Wait) {
        log::debug!("refused a plain HTTP request to a TLS port from {}", conn.peer_addr());
        let Some(tls) = conn.stream().tls() else { return (Self::new(), Wait::Close) };
        let mut tcp = tls.tcp();
        if tcp.write(ANSWER).ok() != Some(ANSWER.len()) || tcp.shutdown(Shutdown::Write).is_err() {
            return (Self::new(), Wait::Close);
        }
        let mut refused = Self::new();
        let wait = refused.step(conn, Wake::Ready);
        (refused, wait)
    }

    fn new() -> PlainHttpRefusal {
        PlainHttpRefusal { until: Instant::now() + LINGER, drained: 0 }
    }

    /// Reads and drops what the client sent until it would block (linger
    /// on), or the client closed, the bytes ran out or the time is up
    /// (close).
    pub(crate) fn step(&mut self, conn: &mut Connection, wake: Wake) -> Wait {
        let Some(tls) = conn.stream().tls() else { return Wait::Close };
        if wake == Wake::TimedOut || Instant::now() >= self.until {
            return Wait::Close;
        }
        let mut scratch = [0; 4 * 1024];
        while self.drained < LINGER_BYTES {
            match tls.tcp().read(&mut scratch) {
                Ok(0) => return Wait::Close,
                Ok(n) => self.drained += n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Wait::Linger(self.until),
                Err(_) => return Wait::Close,
            }
        }
        Wait::Close
    }
}

#[cfg(test)]
mod tests {
    use super::ANSWER;

    #[test]
    fn the_content_length_counts_the_body() {
        let text = std::str::from_utf8(ANSWER).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("Content-Length: {}\r\n", body.len())), "{text}");
    }
}
