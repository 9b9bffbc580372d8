//! Bytes read from a stream and not yet consumed, reused across requests.

use std::io::{self, Read};

/// A fixed-capacity read buffer: answers are parsed from its filled part,
/// and what follows an answer stays for the next one.
#[derive(Debug)]
pub struct ReplyBuffer {
    bytes: Vec<u8>,
    start: usize,
    end: usize,
}

impl ReplyBuffer {
    /// A buffer holding at most `capacity` unconsumed bytes.
    pub fn new(capacity: usize) -> ReplyBuffer {
        ReplyBuffer { bytes: vec![0; capacity], start: 0, end: 0 }
    }

    /// The bytes read and not yet consumed.
    pub fn filled(&self) -> &[u8] {
        &self.bytes[self.start..self.end]
    }

    /// Marks the first `n` filled bytes as used.
    pub fn consume(&mut self, n: usize) {
        self.start += n;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    /// Drops everything buffered.
    pub fn clear(&mut self) {
        self.start = 0;
        self.end = 0;
    }

    /// Reads more bytes from `source`.
    ///
    /// # Errors
    ///
    /// `UnexpectedEof` when the peer has closed, `InvalidData` when the
    /// answer does not fit in the buffer, and any read error.
    pub fn fill(&mut self, source: &mut impl Read) -> io::Result<()> {
        if self.end == self.bytes.len() {
            if self.start == 0 {
                let message = format!("an answer longer than {} bytes", self.bytes.len());
                return Err(io::Error::new(io::ErrorKind::InvalidData, message));
            }
            self.bytes.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        match source.read(&mut self.bytes[self.end..])? {
            0 => Err(io::Error::new(io::ErrorKind::UnexpectedEof, "closed before the answer was complete")),
            n => {
                self.end += n;
                Ok(())
            }
        }
    }
}
