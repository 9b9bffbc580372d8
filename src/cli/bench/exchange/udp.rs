//! UDP: one datagram out, one datagram back.

use super::line::{judge, strip_newline};
use super::{Exchange, Link, Verdict};
use std::io::{self, Read, Write};

/// Largest datagram received.
const MAX_DATAGRAM: usize = 64 * 1024;

/// Sends a message as one datagram and receives one datagram back. With an
/// expected answer the datagram (less a trailing newline) must equal it;
/// without one it must be non-empty. A lost datagram shows as a timeout.
#[derive(Debug)]
pub struct UdpExchange {
    request: Vec<u8>,
    expect: Option<Vec<u8>>,
    answer: Vec<u8>,
}

impl UdpExchange {
    /// An exchange sending `message` and checking against `expect`.
    pub fn new(message: &str, expect: Option<&str>) -> UdpExchange {
        UdpExchange {
            request: message.as_bytes().to_vec(),
            expect: expect.map(|text| text.as_bytes().to_vec()),
            answer: vec![0; MAX_DATAGRAM],
        }
    }
}

impl Exchange for UdpExchange {
    fn exchange(&mut self, link: &mut Link) -> io::Result<Verdict> {
        link.write_all(&self.request)?;
        let n = link.read(&mut self.answer)?;
        Ok(judge(strip_newline(&self.answer[..n]), self.expect.as_deref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::UdpSocket;
    use std::time::Duration;

    #[test]
    fn a_datagram_is_checked_and_a_lost_one_is_an_error() {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = server.local_addr().unwrap();
        let answering = std::thread::spawn(move || {
            let mut buf = [0; 64];
            for answer in [&b"OK...hello\n"[..], b"OK...bye\n"] {
                let (_, peer) = server.recv_from(&mut buf).unwrap();
                server.send_to(answer, peer).unwrap();
            }
            // The third request gets no answer.
            server.recv_from(&mut buf).unwrap();
        });
        let mut link = Link::udp(addr, Duration::from_millis(200)).unwrap();
        let mut exchange = UdpExchange::new("hello", Some("OK...hello"));
        assert_eq!(exchange.exchange(&mut link).unwrap(), Verdict::Correct);
        assert_eq!(exchange.exchange(&mut link).unwrap(), Verdict::Wrong);
        assert!(exchange.exchange(&mut link).is_err());
        answering.join().unwrap();
    }
}
