//! Where a request's bytes come from.

use crate::Connection;
use std::io::{self, Read};

use std::time::Duration;

/// A byte source the request reader waits on: the connection when
/// serving, a byte slice when fuzzing
/// ([`check_request_reader`](crate::http::check_request_reader)).
pub(crate) trait Source {
    /// Sets how long each following read may wait; `None` waits forever.
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()>;

    /// Reads some bytes, as [`Read::read`]: `Ok(0)` at end of stream, a
    /// `WouldBlock` or `TimedOut` error when the wait runs out.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize>;
}

impl Source for Connection {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        Connection::set_read_timeout(self, timeout)
    }

    /// Bytes a `setup` left in the connection's own reader come first;
    /// after that, reads go straight to the socket (no second copy).
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Read::read(self, buf)
    }
}
