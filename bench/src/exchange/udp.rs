//! UDP: one datagram out, one datagram back.

use super::line::{judge, strip_newline};
use super::{Exchange, Step};
use std::io;

/// Sends a message as one datagram; the next datagram received is the
/// answer. With an expected answer the datagram (less a trailing newline)
/// must equal it; without one it must be non-empty. A lost datagram shows
/// as a timeout.
#[derive(Debug)]
pub struct UdpExchange {
    request: Vec<u8>,
    expect: Option<Vec<u8>>,
}

impl UdpExchange {
    /// An exchange sending `message` and checking against `expect`.
    pub fn new(message: &str, expect: Option<&str>) -> UdpExchange {
        UdpExchange {
            request: message.as_bytes().to_vec(),
            expect: expect.map(|text| text.as_bytes().to_vec()),
        }
    }
}

impl Exchange for UdpExchange {
    fn begin(&mut self) {}

    fn request(&self) -> &[u8] {
        &self.request
    }

    fn answer(&mut self, datagram: &[u8]) -> io::Result<Step> {
        let verdict = judge(strip_newline(datagram), self.expect.as_deref());
        Ok(Step::Done { used: datagram.len(), verdict })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::Verdict;

    #[test]
    fn a_datagram_is_checked_whole() {
        let mut exchange = UdpExchange::new("hello", Some("OK...hello"));
        let right = exchange.answer(b"OK...hello\n").unwrap();
        assert_eq!(right, Step::Done { used: 11, verdict: Verdict::Correct });
        let wrong = exchange.answer(b"OK...bye").unwrap();
        assert_eq!(wrong, Step::Done { used: 8, verdict: Verdict::Wrong });
    }
}
