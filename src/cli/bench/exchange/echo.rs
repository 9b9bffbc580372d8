//! Echo: a block of bytes out, the same block back.

use super::{Exchange, Link, Verdict};
use std::io::{self, Read, Write};

/// Most bytes sent and not yet echoed: writing a large block whole before
/// reading would deadlock once both directions' socket buffers are full.
const WINDOW: usize = 64 * 1024;

/// Sends `size` bytes and reads `size` bytes back; they must be the same.
///
/// The first eight bytes carry a sequence number, so an answer replayed
/// from an earlier request is caught, not counted as correct.
#[derive(Debug)]
pub struct EchoExchange {
    payload: Vec<u8>,
    answer: Vec<u8>,
    sequence: u64,
}

impl EchoExchange {
    /// An exchange of `size` bytes (at least 1).
    pub fn new(size: usize) -> EchoExchange {
        let payload = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
        EchoExchange { payload, answer: vec![0; size], sequence: 0 }
    }

    fn stamp(&mut self) {
        self.sequence = self.sequence.wrapping_add(1);
        let stamp = self.sequence.to_le_bytes();
        let n = stamp.len().min(self.payload.len());
        self.payload[..n].copy_from_slice(&stamp[..n]);
    }
}

impl Exchange for EchoExchange {
    fn exchange(&mut self, link: &mut Link) -> io::Result<Verdict> {
        self.stamp();
        let size = self.payload.len();
        let (mut sent, mut received) = (0, 0);
        while received < size {
            if sent < size && sent - received < WINDOW {
                let end = size.min(received + WINDOW);
                link.write_all(&self.payload[sent..end])?;
                sent = end;
                continue;
            }
            match link.read(&mut self.answer[received..sent])? {
                0 => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "closed before the echo was complete",
                    ))
                }
                n => received += n,
            }
        }
        Ok(if self.answer == self.payload { Verdict::Correct } else { Verdict::Wrong })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::time::Duration;

    #[test]
    fn a_replayed_answer_is_wrong_and_a_true_echo_right() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            // Echoes the first request, then replays it for the second.
            let (mut stream, _) = listener.accept().unwrap();
            let mut first = [0; 16];
            stream.read_exact(&mut first).unwrap();
            stream.write_all(&first).unwrap();
            let mut second = [0; 16];
            stream.read_exact(&mut second).unwrap();
            stream.write_all(&first).unwrap();
        });
        let mut link = Link::tcp(addr, Duration::from_secs(5)).unwrap();
        let mut exchange = EchoExchange::new(16);
        assert_eq!(exchange.exchange(&mut link).unwrap(), Verdict::Correct);
        assert_eq!(exchange.exchange(&mut link).unwrap(), Verdict::Wrong);
        server.join().unwrap();
    }
}
