//! HTTP/1.1: a `GET` out, a response back, over keep-alive.

use super::{Exchange, Step, Verdict};
use std::io;

/// Largest response head accepted.
const MAX_HEAD: usize = 64 * 1024;
/// Most response headers parsed.
const MAX_HEADERS: usize = 64;

/// Sends `GET path` and reads the response head and its
/// `Content-Length` body (skipped as it arrives, never buffered); a `200`
/// is correct, any other status wrong.
#[derive(Debug)]
pub struct HttpExchange {
    request: Vec<u8>,
    /// After the head: the body bytes still to come and the status.
    body: Option<(usize, u16)>,
}

impl HttpExchange {
    /// An exchange asking `host` for `path`; `close` asks the server to
    /// close after answering (for a new connection per request).
    pub fn new(host: &str, path: &str, close: bool) -> HttpExchange {
        let connection = if close { "Connection: close\r\n" } else { "" };
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: socketserver-bench\r\n{connection}\r\n"
        );
        HttpExchange { request: request.into_bytes(), body: None }
    }

    /// Parses a head at the front of `received`: its length, status and
    /// body length, or `None` while it is incomplete.
    fn head(received: &[u8]) -> io::Result<Option<(usize, u16, usize)>> {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut response = httparse::Response::new(&mut headers);
        match response.parse(received) {
            Ok(httparse::Status::Complete(len)) => {
                Ok(Some((len, response.code.unwrap_or(0), body_length(response.headers)?)))
            }
            Ok(httparse::Status::Partial) if received.len() > MAX_HEAD => {
                let message = format!("a response head longer than {MAX_HEAD} bytes");
                Err(io::Error::new(io::ErrorKind::InvalidData, message))
            }
            Ok(httparse::Status::Partial) => Ok(None),
            Err(err) => Err(io::Error::new(io::ErrorKind::InvalidData, err.to_string())),
        }
    }
}

/// The body length a response head announces.
fn body_length(headers: &[httparse::Header<'_>]) -> io::Result<usize> {
    let mut length = 0;
    for header in headers {
        if header.name.eq_ignore_ascii_case("transfer-encoding") {
            let message = "a chunked response; bench reads Content-Length bodies only";
            return Err(io::Error::new(io::ErrorKind::InvalidData, message));
        }
        if header.name.eq_ignore_ascii_case("content-length") {
            length = std::str::from_utf8(header.value)
                .ok()
                .and_then(|text| text.trim().parse().ok())
                .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "a malformed Content-Length"))?;
        }
    }
    Ok(length)
}

impl Exchange for HttpExchange {
    fn begin(&mut self) {
        self.body = None;
    }

    fn request(&self) -> &[u8] {
        &self.request
    }

    fn answer(&mut self, received: &[u8]) -> io::Result<Step> {
        let mut used = 0;
        if self.body.is_none() {
            let Some((head, status, body)) = Self::head(received)? else {
                return Ok(Step::More { used: 0 });
            };
            self.body = Some((body, status));
            used = head;
        }
        let (left, status) = self.body.expect("set above");
        let take = left.min(received.len() - used);
        if take < left {
            self.body = Some((left - take, status));
            return Ok(Step::More { used: used + take });
        }
        self.body = None;
        let verdict = if status == 200 { Verdict::Correct } else { Verdict::Wrong };
        Ok(Step::Done { used: used + take, verdict })
    }

    fn reset(&mut self) {
        self.body = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::testing::feed;

    #[test]
    fn bodies_are_skipped_and_only_a_200_is_correct() {
        let body = "x".repeat(100_000);
        let answers = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}\
             HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\n\r\nnot found\
             HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            body.len()
        );
        let pieces: Vec<&[u8]> = answers.as_bytes().chunks(7000).collect();
        let mut exchange = HttpExchange::new("127.0.0.1:80", "/", false);
        assert_eq!(feed(&mut exchange, &pieces), [Verdict::Correct, Verdict::Wrong, Verdict::Correct]);
    }

    #[test]
    fn a_chunked_answer_is_an_error() {
        let mut exchange = HttpExchange::new("h", "/", false);
        let answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        assert!(exchange.answer(answer).is_err());
    }
}
