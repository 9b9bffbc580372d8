//! The bytes a connection has sent and its protocol layer has not yet
//! used: the buffer under the message loop and the HTTP layer.

use super::buffer_pool::{self, Pool};
use super::source::Source;
use std::io;

/// First size of the buffer; it grows to what a request head may need.
const FIRST_BUFFER: usize = 8 * 1024;

/// What one wait for bytes brought.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Filled {
    /// More bytes are pending.
    Data,
    /// The client closed its side.
    Eof,
}

/// A read buffer: `buf[start..end]` is pending.
#[derive(Debug)]
pub(crate) struct ReadBuffer {
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Largest the buffer may grow.
    limit: usize,
    /// The size to take when the buffer is empty: doubled (up to the
    /// limit) each time a read fills it, so a client that sends big
    /// messages is read in few system calls.
    hint: usize,
}

impl ReadBuffer {
    /// A buffer that grows to at most `limit` bytes (at least 8 KiB).
    pub(crate) fn new(limit: usize) -> ReadBuffer {
        let limit = limit.max(FIRST_BUFFER);
        ReadBuffer { buf: Vec::new(), start: 0, end: 0, limit, hint: FIRST_BUFFER }
    }

    /// The bytes received and not yet consumed.
    pub(crate) fn pending(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// The buffer's size now: at most the limit given to [`ReadBuffer::new`]
    /// (or 8 KiB) plus one byte.
    #[cfg(feature = "http")]
    pub(crate) fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// Whether there is room after the pending bytes: right after a read
    /// that brought data, whether that read left room unused (the socket
    /// had nothing more at that moment).
    pub(crate) fn has_room(&self) -> bool {
        self.end < self.buf.len()
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
    #[cfg(feature = "http")]
    pub(crate) fn take(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.end - self.start);
        let range = self.start..self.start + n;
        self.start += n;
        if self.start == self.end {
            (self.start, self.end) = (0, 0);
        }
        &self.buf[range]
    }

    /// Reads what the socket has now, once, without waiting (the
    /// socket is non-blocking): `None` when nothing is there yet.
    ///
    /// # Errors
    ///
    /// Fails when the read fails (a reset, say).
    pub(crate) fn fill_now(&mut self, source: &mut dyn Source) -> io::Result<Option<Filled>> {
        self.make_room();
        loop {
            return match source.read(&mut self.buf[self.end..]) {
                Ok(0) => Ok(Some(Filled::Eof)),
                Ok(n) => {
                    self.end += n;
                    if !self.has_room() {
                        self.hint = (self.buf.len() * 2).min(self.limit + 1);
                    }
                    Ok(Some(Filled::Data))
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => Ok(None),
                Err(err) => Err(err),
            };
        }
    }

    /// Gives the memory back when nothing is pending, so a connection
    /// waiting for its next message costs no buffer.
    pub(crate) fn release_if_empty(&mut self) {
        if self.len() == 0 {
            buffer_pool::give(Pool::Read, std::mem::take(&mut self.buf));
        }
    }

    /// Ensures free space after `end`: moves pending bytes to the front,
    /// then grows up to the limit (and by one byte past it, so a head
    /// over the limit is seen as such).
    fn make_room(&mut self) {
        if self.len() == 0 && self.buf.len() < self.hint {
            return self.take_buffer();
        }
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

    /// An empty buffer of the hinted size, from this thread's kept ones.
    fn take_buffer(&mut self) {
        buffer_pool::give(Pool::Read, std::mem::take(&mut self.buf));
        let mut buf = buffer_pool::take(Pool::Read, self.hint);
        buf.resize(buf.capacity().min(self.limit + 1), 0);
        (self.buf, self.start, self.end) = (buf, 0, 0);
    }
}
