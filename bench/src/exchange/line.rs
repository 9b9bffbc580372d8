//! Lines: a message and a newline out, one line back.

use super::{Exchange, Step, Verdict};
use std::io;

/// Longest answer line accepted.
const MAX_LINE: usize = 64 * 1024;

/// Sends a message and a newline, reads one line back. With an expected
/// answer the line (without `\n` or `\r\n`) must equal it; without one it
/// must be non-empty.
#[derive(Debug)]
pub struct LineExchange {
    request: Vec<u8>,
    expect: Option<Vec<u8>>,
}

impl LineExchange {
    /// An exchange sending `message` and checking against `expect`.
    pub fn new(message: &str, expect: Option<&str>) -> LineExchange {
        let mut request = message.as_bytes().to_vec();
        request.push(b'\n');
        LineExchange { request, expect: expect.map(|text| text.as_bytes().to_vec()) }
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
    fn begin(&mut self) {}

    fn request(&self) -> &[u8] {
        &self.request
    }

    fn answer(&mut self, received: &[u8]) -> io::Result<Step> {
        match memchr::memchr(b'\n', received) {
            Some(at) => {
                let verdict = judge(strip_newline(&received[..=at]), self.expect.as_deref());
                Ok(Step::Done { used: at + 1, verdict })
            }
            None if received.len() > MAX_LINE => {
                let message = format!("an answer line longer than {MAX_LINE} bytes");
                Err(io::Error::new(io::ErrorKind::InvalidData, message))
            }
            None => Ok(Step::More { used: 0 }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::testing::feed;

    #[test]
    fn the_expected_line_is_correct_and_any_other_wrong() {
        let mut exchange = LineExchange::new("John", Some("C45"));
        let pieces: [&[u8]; 4] = [b"C45\r\n", b"C4", b"5\n", b"UNKNOWN NAME: Jon\n"];
        assert_eq!(feed(&mut exchange, &pieces), [Verdict::Correct, Verdict::Correct, Verdict::Wrong]);
    }

    #[test]
    fn without_an_expectation_any_non_empty_line_is_correct() {
        assert_eq!(judge(b"anything", None), Verdict::Correct);
        assert_eq!(judge(strip_newline(b"\r\n"), None), Verdict::Wrong);
        assert_eq!(judge(strip_newline(b"C45\n"), Some(b"C45")), Verdict::Correct);
    }

    #[test]
    fn an_endless_line_is_an_error() {
        let mut exchange = LineExchange::new("John", None);
        assert!(exchange.answer(&vec![b'x'; MAX_LINE + 1]).is_err());
    }
}
