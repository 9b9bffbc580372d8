//! Where a request's bytes come from.

use crate::Connection;
use std::io::{self, Read};

/// A byte source a read buffer fills from: the connection when serving,
/// a byte slice when fuzzing
/// ([`check_request_reader`](crate::http::check_request_reader)).
pub(crate) trait Source {
    /// Reads some bytes, as [`Read::read`]: `Ok(0)` at end of stream, a
    /// `WouldBlock` error when a non-blocking source has nothing yet.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize>;
}

impl Source for Connection {
    /// Bytes a `setup` left in the connection's own reader come first;
    /// after that, reads go straight to the socket (no second copy).
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Read::read(self, buf)
    }
}
