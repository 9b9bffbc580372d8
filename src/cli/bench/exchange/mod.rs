//! One request and its answer, per protocol: each mode keeps its buffers
//! from one request to the next, so a worker allocates nothing per request.

mod echo;
mod http;
mod line;
mod link;
mod reply_buffer;
mod udp;

pub use self::echo::EchoExchange;
pub use self::http::HttpExchange;
pub use self::line::LineExchange;
pub use self::link::Link;
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

/// Sends one request over a link and reads and checks its answer.
pub trait Exchange: Send {
    /// One round trip. An `Err` is a transport failure (refused, reset,
    /// timed out, closed early); a wrong but complete answer is
    /// `Ok(Verdict::Wrong)`.
    fn exchange(&mut self, link: &mut Link) -> io::Result<Verdict>;

    /// Forgets bytes buffered from a link that is being replaced.
    fn reset(&mut self) {}
}
