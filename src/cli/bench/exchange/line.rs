//! Lines: a message and a newline out, one line back.

use super::reply_buffer::ReplyBuffer;
use super::{Exchange, Link, Verdict};
use std::io::{self, Write};

/// Longest answer line accepted.
const MAX_LINE: usize = 64 * 1024;

/// Sends a message and a newline, reads one line back. With an expected
/// answer the line (without `\n` or `\r\n`) must equal it; without one it
/// must be non-empty.
#[derive(Debug)]
pub struct LineExchange {
    request: Vec<u8>,
    expect: Option<Vec<u8>>,
    buffer: ReplyBuffer,
}

impl LineExchange {
    /// An exchange sending `message` and checking against `expect`.
    pub fn new(message: &str, expect: Option<&str>) -> LineExchange {
        let mut request = message.as_bytes().to_vec();
        request.push(b'\n');
        LineExchange {
            request,
            expect: expect.map(|text| text.as_bytes().to_vec()),
            buffer: ReplyBuffer::new(MAX_LINE),
        }
    }
}

/// Whether an answer (its line ending already removed) is the one wanted.
pub(super) fn judge(answer: &[u8], expect: Option<&[u8]>) -> Verdict {
    let right = match expect {
        Some(expect) => answer == expect,
        None => !answer.is_empty(),
    };
    if right {
        Verdict::Correct
    } else {
        Verdict::Wrong
    }
}

/// `line` without its trailing `\n` or `\r\n`.
pub(super) fn strip_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

impl Exchange for LineExchange {
    fn exchange(&mut self, link: &mut Link) -> io::Result<Verdict> {
        link.write_all(&self.request)?;
        loop {
            if let Some(at) = memchr::memchr(b'\n', self.buffer.filled()) {
                let verdict = judge(strip_newline(&self.buffer.filled()[..=at]), self.expect.as_deref());
                self.buffer.consume(at + 1);
                return Ok(verdict);
            }
            self.buffer.fill(link)?;
        }
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
    fn the_expected_line_is_correct_and_any_other_wrong() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0; 64];
            for answer in [&b"C45\r\n"[..], b"C4", b"5\n", b"UNKNOWN NAME: Jon\n"] {
                if answer != b"5\n" {
                    let _ = stream.read(&mut request).unwrap();
                }
                stream.write_all(answer).unwrap();
            }
        });
        let mut link = Link::tcp(addr, Duration::from_secs(5)).unwrap();
        let mut exchange = LineExchange::new("John", Some("C45"));
        assert_eq!(exchange.exchange(&mut link).unwrap(), Verdict::Correct);
        assert_eq!(exchange.exchange(&mut link).unwrap(), Verdict::Correct, "a line split across reads");
        assert_eq!(exchange.exchange(&mut link).unwrap(), Verdict::Wrong);
        server.join().unwrap();
    }

    #[test]
    fn without_an_expectation_any_non_empty_line_is_correct() {
        assert_eq!(judge(b"anything", None), Verdict::Correct);
        assert_eq!(judge(strip_newline(b"\r\n"), None), Verdict::Wrong);
        assert_eq!(judge(strip_newline(b"C45\n"), Some(b"C45")), Verdict::Correct);
    }
}
