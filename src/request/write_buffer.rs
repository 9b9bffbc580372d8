//! Replies waiting to be written to a non-blocking connection.

use super::buffer_pool;
use std::io::{self, Write};

/// First size of a reply buffer.
const FIRST_BUFFER: usize = 8 * 1024;

/// Bytes to write and how many are written: the output side of a
/// resumable protocol. A write that would block leaves the rest here for
/// the next step.
#[derive(Debug, Default)]
pub(crate) struct WriteBuffer {
    buf: Vec<u8>,
    written: usize,
    /// Everything was handed to the socket's writer, but a TLS session
    /// still holds ciphertext the socket did not take.
    unflushed: bool,
}

impl WriteBuffer {
    /// The buffer to append replies to.
    pub(crate) fn buf(&mut self) -> &mut Vec<u8> {
        if self.buf.capacity() == 0 {
            self.buf = buffer_pool::take(FIRST_BUFFER);
            self.buf.clear();
        }
        &mut self.buf
    }

    /// How many bytes are still to be written.
    pub(crate) fn len(&self) -> usize {
        self.buf.len() - self.written
    }

    /// Whether everything has been written and flushed.
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0 && !self.unflushed
    }

    /// Writes until everything is written and flushed (`true`) or the
    /// socket would block (`false`). A fully written buffer gives its memory back.
    ///
    /// # Errors
    ///
    /// Fails when the socket does (the client reset, say).
    pub(crate) fn write_to(&mut self, sink: &mut impl Write) -> io::Result<bool> {
        while self.written < self.buf.len() {
            match sink.write(&self.buf[self.written..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => self.written += n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(err) => return Err(err),
            }
        }
        // A TLS session may still hold ciphertext the socket did not take:
        // the reply is written only when it is on the socket.
        match sink.flush() {
            Ok(()) => self.unflushed = false,
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                self.unflushed = true;
                return Ok(false);
            }
            Err(err) => return Err(err),
        }
        buffer_pool::give(std::mem::take(&mut self.buf));
        self.written = 0;
        Ok(true)
    }
}
