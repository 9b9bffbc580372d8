//! Echo: a block of bytes out, the same block back.

use super::{Exchange, Step, Verdict};
use std::io;

/// Sends `size` bytes and reads `size` bytes back; they must be the same.
/// The answer is compared as it arrives, so nothing is buffered.
///
/// The first eight bytes carry a sequence number, so an answer replayed
/// from an earlier request is caught, not counted as correct.
#[derive(Debug)]
pub struct EchoExchange {
    payload: Vec<u8>,
    sequence: u64,
    received: usize,
    same: bool,
}

impl EchoExchange {
    /// An exchange of `size` bytes (at least 1).
    pub fn new(size: usize) -> EchoExchange {
        let payload = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
        EchoExchange { payload, sequence: 0, received: 0, same: true }
    }
}

impl Exchange for EchoExchange {
    fn begin(&mut self) {
        self.sequence = self.sequence.wrapping_add(1);
        let stamp = self.sequence.to_le_bytes();
        let n = stamp.len().min(self.payload.len());
        self.payload[..n].copy_from_slice(&stamp[..n]);
        self.received = 0;
        self.same = true;
    }

    fn request(&self) -> &[u8] {
        &self.payload
    }

    fn answer(&mut self, received: &[u8]) -> io::Result<Step> {
        let take = received.len().min(self.payload.len() - self.received);
        let expected = &self.payload[self.received..self.received + take];
        self.same &= received[..take] == *expected;
        self.received += take;
        if self.received < self.payload.len() {
            return Ok(Step::More { used: take });
        }
        let verdict = if self.same { Verdict::Correct } else { Verdict::Wrong };
        Ok(Step::Done { used: take, verdict })
    }

    fn reset(&mut self) {
        self.received = 0;
        self.same = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::testing::feed;

    #[test]
    fn a_true_echo_is_right_in_any_pieces_and_a_replay_is_wrong() {
        let mut exchange = EchoExchange::new(16);
        exchange.begin();
        let first = exchange.request().to_vec();
        let mut again = EchoExchange::new(16);
        assert_eq!(feed(&mut again, &[&first[..5], &first[5..]]), [Verdict::Correct]);
        // The second request carries sequence 2: the first answer replayed is wrong.
        let mut replayed = EchoExchange::new(16);
        assert_eq!(feed(&mut replayed, &[&first, &first]), [Verdict::Correct, Verdict::Wrong]);
    }
}
