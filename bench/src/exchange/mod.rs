//! One request and its answer, per protocol, as non-blocking state
//! machines: a connection asks its exchange for the bytes to send, then
//! feeds it whatever arrives until it says the answer is complete and
//! whether it was the right one. Each exchange keeps its buffers from one
//! request to the next, so a connection allocates nothing per request.

mod echo;
mod http;
mod line;
mod step;
mod udp;

pub use self::echo::EchoExchange;
pub use self::http::HttpExchange;
pub use self::line::LineExchange;
pub use self::step::Step;
pub use self::udp::UdpExchange;

use std::io;

/// What came back for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The answer the protocol requires.
    Correct,
    /// An answer arrived, complete, but it is not the right one.
    Wrong,
}

/// One protocol's request and the checking of its answer, without I/O.
pub trait Exchange: Send + std::fmt::Debug {
    /// Prepares the next request; called before its first byte is sent.
    fn begin(&mut self);

    /// The bytes of the current request.
    fn request(&self) -> &[u8];

    /// Looks at answer bytes received and not used by an earlier call
    /// (for datagrams: exactly one datagram). It uses what it can and says
    /// whether the answer is complete; unused bytes are offered again,
    /// with more after them, on the next call.
    ///
    /// # Errors
    ///
    /// `InvalidData` for an answer that cannot be read at all (too long,
    /// malformed): a transport failure, not a wrong answer.
    fn answer(&mut self, received: &[u8]) -> io::Result<Step>;

    /// Forgets a half-read answer from a connection that is being replaced.
    fn reset(&mut self) {}
}

#[cfg(test)]
pub(crate) mod testing {
    use super::{Exchange, Step, Verdict};

    /// Feeds `pieces` one after another, keeping unused bytes as a
    /// connection does, and returns every verdict reached.
    pub fn feed(exchange: &mut dyn Exchange, pieces: &[&[u8]]) -> Vec<Verdict> {
        let mut verdicts = Vec::new();
        let mut pending: Vec<u8> = Vec::new();
        exchange.begin();
        for piece in pieces {
            pending.extend_from_slice(piece);
            loop {
                match exchange.answer(&pending).expect("a readable answer") {
                    Step::More { used } => {
                        pending.drain(..used);
                        break;
                    }
                    Step::Done { used, verdict } => {
                        pending.drain(..used);
                        verdicts.push(verdict);
                        exchange.begin();
                        if pending.is_empty() {
                            break;
                        }
                    }
                }
            }
        }
        verdicts
    }
}
