//! HTTP/1.1: a `GET` out, a response back, over keep-alive.

use super::reply_buffer::ReplyBuffer;
use super::{Exchange, Link, Verdict};
use std::io::{self, Write};

/// Largest response head accepted.
const MAX_HEAD: usize = 64 * 1024;
/// Most response headers parsed.
const MAX_HEADERS: usize = 64;

/// Sends `GET path` and reads the response head and its
/// `Content-Length` body; a `200` is correct, any other status wrong.
#[derive(Debug)]
pub struct HttpExchange {
    request: Vec<u8>,
    buffer: ReplyBuffer,
}

impl HttpExchange {
    /// An exchange asking `host` for `path`; `close` asks the server to
    /// close after answering (for a new connection per request).
    pub fn new(host: &str, path: &str, close: bool) -> HttpExchange {
        let connection = if close { "Connection: close\r\n" } else { "" };
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: socketserver-bench\r\n{connection}\r\n"
        );
        HttpExchange { request: request.into_bytes(), buffer: ReplyBuffer::new(MAX_HEAD) }
    }

    /// Reads until a whole head is buffered; returns its length, the
    /// status and the body length.
    fn read_head(&mut self, link: &mut Link) -> io::Result<(usize, u16, usize)> {
        loop {
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut response = httparse::Response::new(&mut headers);
            match response.parse(self.buffer.filled()) {
                Ok(httparse::Status::Complete(len)) => {
                    let body = body_length(response.headers)?;
                    return Ok((len, response.code.unwrap_or(0), body));
                }
                Ok(httparse::Status::Partial) => self.buffer.fill(link)?,
                Err(err) => return Err(io::Error::new(io::ErrorKind::InvalidData, err.to_string())),
            }
        }
    }

    fn skip_body(&mut self, link: &mut Link, mut remaining: usize) -> io::Result<()> {
        loop {
            let n = remaining.min(self.buffer.filled().len());
            self.buffer.consume(n);
            remaining -= n;
            if remaining == 0 {
                return Ok(());
            }
            self.buffer.fill(link)?;
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
    fn exchange(&mut self, link: &mut Link) -> io::Result<Verdict> {
        link.write_all(&self.request)?;
        let (head, status, body) = self.read_head(link)?;
        self.buffer.consume(head);
        self.skip_body(link, body)?;
        Ok(if status == 200 { Verdict::Correct } else { Verdict::Wrong })
    }

    fn reset(&mut self) {
        self.buffer.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::TcpListener;
    use std::time::Duration;

    #[test]
    fn bodies_are_skipped_and_only_a_200_is_correct() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0; 1024];
            let body = "x".repeat(100_000);
            let answers = [
                format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len()),
                "HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\n\r\nnot found".to_string(),
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_string(),
            ];
            for answer in answers {
                let _ = stream.read(&mut request).unwrap();
                for piece in answer.as_bytes().chunks(7000) {
                    stream.write_all(piece).unwrap();
                }
            }
        });
        let mut link = Link::tcp(addr, Duration::from_secs(5)).unwrap();
        let mut exchange = HttpExchange::new(&addr.to_string(), "/", false);
        assert_eq!(exchange.exchange(&mut link).unwrap(), Verdict::Correct);
        assert_eq!(exchange.exchange(&mut link).unwrap(), Verdict::Wrong);
        assert_eq!(exchange.exchange(&mut link).unwrap(), Verdict::Correct);
        server.join().unwrap();
    }
}
