//! The bytes a connection has sent and its protocol layer has not yet
//! used: the buffer under the message loop and the HTTP layer.

use super::source::Source;
use crate::Connection;
use std::io;
use std::os::fd::{AsFd, AsRawFd};
use std::time::Duration;

/// First size of the buffer; it grows to what a request head may need.
const FIRST_BUFFER: usize = 8 * 1024;

/// What one wait for bytes brought.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Filled {
    /// More bytes are pending.
    Data,
    /// The client closed its side.
    Eof,
    /// Nothing arrived in time.
    TimedOut,
}

/// A read buffer: `buf[start..end]` is pending.
#[derive(Debug)]
pub(crate) struct ReadBuffer {
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Largest the buffer may grow.
    limit: usize,
}

impl ReadBuffer {
    /// A buffer that grows to at most `limit` bytes (at least 8 KiB).
    pub(crate) fn new(limit: usize) -> ReadBuffer {
        ReadBuffer { buf: Vec::new(), start: 0, end: 0, limit: limit.max(FIRST_BUFFER) }
    }

    /// The bytes received and not yet consumed.
    pub(crate) fn pending(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// The buffer's size now: at most the limit given to [`ReadBuffer::new`]
    /// (or 8 KiB) plus one byte.
    pub(crate) fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// How many bytes are pending.
    pub(crate) fn len(&self) -> usize {
        self.end - self.start
    }

    /// Marks `n` pending bytes as used.
    pub(crate) fn consume(&mut self, n: usize) {
        self.start += n.min(self.end - self.start);
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    /// Takes up to `n` pending bytes.
    pub(crate) fn take(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.end - self.start);
        let range = self.start..self.start + n;
        self.start += n;
        if self.start == self.end {
            (self.start, self.end) = (0, 0);
        }
        &self.buf[range]
    }

    /// Waits up to `timeout` (`None`: forever) for more bytes. A zero
    /// timeout times out without reading.
    ///
    /// # Errors
    ///
    /// Fails when the read fails for another reason than the timeout.
    pub(crate) fn fill(&mut self, source: &mut dyn Source, timeout: Option<Duration>) -> io::Result<Filled> {
        if timeout == Some(Duration::ZERO) {
            return Ok(Filled::TimedOut);
        }
        self.make_room();
        source.set_read_timeout(timeout)?;
        loop {
            match source.read(&mut self.buf[self.end..]) {
                Ok(0) => return Ok(Filled::Eof),
                Ok(n) => {
                    self.end += n;
                    return Ok(Filled::Data);
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) if is_timeout(&err) => return Ok(Filled::TimedOut),
                Err(err) => return Err(err),
            }
        }
    }

    /// Takes the bytes that are already waiting, without blocking: `None`
    /// when there are none yet.
    ///
    /// # Errors
    ///
    /// Fails when the read fails (a reset, say).
    pub(crate) fn try_fill(&mut self, conn: &mut Connection) -> io::Result<Option<Filled>> {
        if !conn.reader().buffer().is_empty() {
            return self.fill(conn, None).map(Some);
        }
        self.make_room();
        let fd = conn.stream().as_fd().as_raw_fd();
        let spare = &mut self.buf[self.end..];
        loop {
            // SAFETY: `spare` is valid for writes of its length, and `fd`
            // is the connection's open socket.
            let read = unsafe { libc::recv(fd, spare.as_mut_ptr().cast(), spare.len(), libc::MSG_DONTWAIT) };
            return match read {
                0 => Ok(Some(Filled::Eof)),
                n if n > 0 => {
                    self.end += n as usize;
                    Ok(Some(Filled::Data))
                }
                _ => match io::Error::last_os_error() {
                    err if err.kind() == io::ErrorKind::Interrupted => continue,
                    err if err.kind() == io::ErrorKind::WouldBlock => Ok(None),
                    err => Err(err),
                },
            };
        }
    }

    /// Ensures free space after `end`: moves pending bytes to the front,
    /// then grows up to the limit (and by one byte past it, so a head
    /// over the limit is seen as such).
    fn make_room(&mut self) {
        if self.end < self.buf.len() {
            return;
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
            return;
        }
        let grown = (self.buf.len() * 2).clamp(FIRST_BUFFER, self.limit + 1);
        self.buf.resize(grown.max(self.end + 1), 0);
    }
}

fn is_timeout(err: &io::Error) -> bool {
    matches!(err.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}
