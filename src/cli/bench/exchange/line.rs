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
