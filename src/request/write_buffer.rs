//! Replies waiting to be written to a non-blocking connection.

use super::buffer_pool::{self, Pool};
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
            self.buf = buffer_pool::take(Pool::Write, FIRST_BUFFER);
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
        buffer_pool::give(Pool::Write, std::mem::take(&mut self.buf));
        self.written = 0;
        Ok(true)
    }
}

#[cfg(all(test, feature = "tls"))]
mod tests {
    use super::*;
    use crate::tls::pair;
    use std::io::Read;

    /// A reply counts as written only once its ciphertext is on the
    /// socket: ciphertext rustls still holds keeps the write waiting.
    #[test]
    fn a_reply_is_written_only_when_its_ciphertext_is() {
        let (tls, mut client) = pair();
        tls.set_nonblocking(true).unwrap();
        let mut out = WriteBuffer::default();
        out.buf().extend(std::iter::repeat_n(b'z', 4 << 20));
        let mut raw = Vec::new();
        let mut chunk = [0u8; 4096];
        let mut blocked = 0;
        loop {
            let mut sink = &tls;
            if out.write_to(&mut sink).unwrap() {
                break;
            }
            blocked += 1;
            // The client takes a little ciphertext at a time.
            let n = client.sock.read(&mut chunk).unwrap();
            raw.extend_from_slice(&chunk[..n]);
        }
        assert!(blocked > 0, "the socket never filled: the test proves nothing");
        assert!(!tls.holds_ciphertext(), "the reply was done with ciphertext still held");
        // Everything written decrypts to the reply.
        let mut plain = Vec::new();
        let mut ciphertext = &raw[..];
        while plain.len() < 4 << 20 {
            if ciphertext.is_empty() {
                let n = client.sock.read(&mut chunk).unwrap();
                assert!(n > 0, "the stream ended after {} bytes", plain.len());
                raw = chunk[..n].to_vec();
                ciphertext = &raw[..];
            }
            client.conn.read_tls(&mut ciphertext).unwrap();
            client.conn.process_new_packets().unwrap();
            let _ = client.conn.reader().read_to_end(&mut plain);
        }
        assert_eq!(plain.len(), 4 << 20);
    }
}
