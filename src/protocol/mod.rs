//! Resumable connection protocols: the seam between the server's reactor
//! and the protocol layers it drives (the message loop, the HTTP layer).
//!
//! A [`Protocol`] never blocks on the network. Each [`step`](Protocol::step)
//! does all the work the connection allows now (read until the socket
//! would block, frame, run the application, write until the socket would
//! block) and returns what it waits for next, a [`Wait`] with its
//! deadline. The server keeps the connection in its poller until then, so
//! a slow or idle client holds no thread. Under
//! [`ThreadPerConnection`](crate::ThreadPerConnection) (and for a handler
//! that wraps a protocol layer and delegates `handle` to it) the same steps
//! run on the connection's own thread, which waits on its one socket.

mod blocking;
mod clock;
mod engine;
mod in_flight;
mod wait;
mod wake;

pub(crate) use self::blocking::{drive, poll_readable, DrainSignal};
pub(crate) use self::clock::Clock;
pub(crate) use self::engine::{earliest, Engine};
pub(crate) use self::in_flight::counts_in_flight;
pub use self::wait::Wait;
pub use self::wake::Wake;

use crate::Connection;

/// A connection protocol the server drives in non-blocking steps.
///
/// The server sets the connection's socket non-blocking before the first
/// step (through [`Request::set_nonblocking`](crate::request::Request::set_nonblocking)), calls [`step`](Self::step) with [`Wake::Start`] (so bytes that
/// came with the connection are read at once), and then each time what
/// the step waited for happened ([`Wake::Ready`]), its deadline passed
/// ([`Wake::TimedOut`]) or the server began draining while the connection
/// sat between requests ([`Wake::Drain`]). Exactly one thread runs a
/// connection's steps at a time. Readiness can be spurious: a read may
/// still find nothing, and the step then waits again.
///
/// Readiness is reported when it changes (the poller is edge-triggered,
/// as mio's is): before a step returns [`Wait::Idle`] or [`Wait::Read`]
/// it must have read until a read returned `WouldBlock`, and before it
/// returns [`Wait::Write`] it must have written until a write would
/// block. Bytes left unread, or room left unused, bring no further
/// wake-up (only the deadline). A step that has done its share (a
/// bounded number of requests) returns [`Wait::Yield`] instead, whatever
/// is left: the server steps it again with [`Wake::Ready`] once the other
/// connections ready now have had their turn, so one fast client cannot
/// hold a thread. The server's own protocols answer at most 4 requests
/// per step.
///
/// A step that panics is reported to `handle_error` and its connection
/// closed; errors of the socket are the protocol's to log (at `debug` for
/// what a client can cause) before it returns [`Wait::Close`].
///
/// # Examples
///
/// A protocol that answers every chunk of bytes with its length:
///
/// ```
/// use socketserver::protocol::{Protocol, Wait, Wake};
/// use socketserver::Connection;
/// use std::io::{ErrorKind, Read, Write};
///
/// struct Lengths;
///
/// impl Protocol for Lengths {
///     fn step(&mut self, conn: &mut Connection, _wake: Wake) -> Wait {
///         let mut buf = [0u8; 4096];
///         loop {
///             match conn.read(&mut buf) {
///                 Ok(0) => return Wait::Close,
///                 Ok(n) => {
///                     if conn.write_all(format!("{n}\n").as_bytes()).is_err() {
///                         return Wait::Close;
///                     }
///                 }
///                 Err(e) if e.kind() == ErrorKind::WouldBlock => return Wait::Idle(None),
///                 Err(_) => return Wait::Close,
///             }
///         }
///     }
/// }
/// ```
pub trait Protocol<R = Connection>: Send + 'static {
    /// Works as far as the request's socket allows without blocking;
    /// returns what to wait for next.
    fn step(&mut self, request: &mut R, wake: Wake) -> Wait;
}
