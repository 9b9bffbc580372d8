//! Reading a request body: `Content-Length` bytes or decoded chunks.

use super::body_length::BodyLength;
use super::rejection::Rejection;
use super::stop::Stop;
use super::HttpLimits;
use crate::request::Source;
use crate::request::{Filled, ReadBuffer};
use std::time::Duration;

/// Longest chunk-size line (size, extensions, CRLF) accepted.
const MAX_CHUNK_LINE: usize = 4096;

/// Reads one request body from the pending input and the connection.
pub(super) struct BodyReader<'a> {
    pub(super) input: &'a mut ReadBuffer,
    pub(super) source: &'a mut dyn Source,
    /// How long each read may wait (the server's `read_timeout`).
    pub(super) read_timeout: Option<Duration>,
    pub(super) limits: &'a HttpLimits,
}

impl BodyReader<'_> {
    /// The whole body, de-chunked.
    ///
    /// # Errors
    ///
    /// 400 for malformed chunking, 413 past `max_body_size`, 408 when the
    /// client stops sending for a `read_timeout`; a quiet stop when it
    /// closes mid-body.
    pub(super) fn read(&mut self, length: BodyLength) -> Result<Vec<u8>, Stop> {
        match length {
            BodyLength::Empty => Ok(Vec::new()),
            BodyLength::Fixed(len) => {
                let mut body = Vec::new();
                self.append(&mut body, len)?;
                Ok(body)
            }
            BodyLength::Chunked => self.read_chunked(),
        }
    }

    /// Appends `len` more bytes to `body`.
    fn append(&mut self, body: &mut Vec<u8>, len: u64) -> Result<(), Stop> {
        let target = body.len() + usize::try_from(len).map_err(|_| too_large(self.limits))?;
        body.reserve(target.min(64 * 1024));
        while body.len() < target {
            if self.input.pending().is_empty() {
                self.fill()?;
            }
            body.extend_from_slice(self.input.take(target - body.len()));
        }
        Ok(())
    }

    fn read_chunked(&mut self) -> Result<Vec<u8>, Stop> {
        let mut body = Vec::new();
        loop {
            let size = self.chunk_size()?;
            if size == 0 {
                self.trailers()?;
                return Ok(body);
            }
            if (body.len() as u64).saturating_add(size) > self.limits.max_body_size {
                return Err(Stop::Reject(too_large(self.limits)));
            }
            self.append(&mut body, size)?;
            self.chunk_end()?;
        }
    }

    /// Reads a chunk-size line with `httparse::parse_chunk_size`.
    fn chunk_size(&mut self) -> Result<u64, Stop> {
        loop {
            let pending = self.input.pending();
            match httparse::parse_chunk_size(pending) {
                Ok(httparse::Status::Complete((len, _))) if len > MAX_CHUNK_LINE => {
                    return Err(chunk_line_too_long());
                }
                Ok(httparse::Status::Complete((len, size))) => {
                    check_chunk_line(&pending[..len])?;
                    self.input.consume(len);
                    return Ok(size);
                }
                Ok(httparse::Status::Partial) if pending.len() > MAX_CHUNK_LINE => {
                    return Err(chunk_line_too_long());
                }
                Ok(httparse::Status::Partial) => self.fill()?,
                Err(httparse::InvalidChunkSize) => return Err(bad_chunk("malformed chunk-size line")),
            }
        }
    }

    /// Expects the CRLF after a chunk's data.
    fn chunk_end(&mut self) -> Result<(), Stop> {
        while self.input.pending().len() < 2 {
            self.fill()?;
        }
        if &self.input.pending()[..2] != b"\r\n" {
            return Err(bad_chunk("chunk data is not followed by CRLF"));
        }
        self.input.consume(2);
        Ok(())
    }

    /// Reads (and drops) the trailer fields after the last chunk, with
    /// `httparse::parse_headers`, within the head limits.
    fn trailers(&mut self) -> Result<(), Stop> {
        loop {
            let mut fields = vec![httparse::EMPTY_HEADER; self.limits.max_headers];
            let pending = self.input.pending();
            match httparse::parse_headers(pending, &mut fields) {
                Ok(httparse::Status::Complete((len, _))) if len > self.limits.max_head_size => {
                    return Err(trailer_too_large());
                }
                Ok(httparse::Status::Complete((len, _))) => {
                    self.input.consume(len);
                    return Ok(());
                }
                Ok(httparse::Status::Partial) if pending.len() > self.limits.max_head_size => {
                    return Err(trailer_too_large());
                }
                Ok(httparse::Status::Partial) => self.fill()?,
                Err(httparse::Error::TooManyHeaders) => {
                    return Err(Stop::Reject(Rejection::new(431, "the chunked trailer has too many fields")));
                }
                Err(err) => return Err(bad_chunk(&format!("malformed trailer section ({err})"))),
            }
        }
    }

    /// Waits for more body bytes, up to the server's `read_timeout`.
    fn fill(&mut self) -> Result<(), Stop> {
        let timeout = self.read_timeout;
        match self.input.fill(self.source, timeout)? {
            Filled::Data => Ok(()),
            Filled::Eof => Err(Stop::Quiet("the client closed the connection in the middle of a body")),
            Filled::TimedOut => Err(Stop::Reject(Rejection::new(
                408,
                format!("the request body stalled: nothing arrived for {timeout:?}"),
            ))),
        }
    }
}

/// `parse_chunk_size` takes an empty size and any byte in an extension;
/// refuse both, and a bare CR or LF anywhere before the line end.
fn check_chunk_line(line: &[u8]) -> Result<(), Stop> {
    let content = &line[..line.len().saturating_sub(2)];
    if !content.first().is_some_and(u8::is_ascii_hexdigit) {
        return Err(bad_chunk("a chunk-size line must start with hex digits"));
    }
    if content.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(bad_chunk("a chunk-size line holds a control character"));
    }
    Ok(())
}

/// Refused whether the line arrived in one read or in several.
fn chunk_line_too_long() -> Stop {
    bad_chunk(&format!("a chunk-size line is longer than {MAX_CHUNK_LINE} bytes"))
}

/// Refused whether the trailer arrived in one read or in several.
fn trailer_too_large() -> Stop {
    Stop::Reject(Rejection::new(431, "the chunked trailer section is too large"))
}

fn bad_chunk(what: &str) -> Stop {
    Stop::Reject(Rejection::new(
        400,
        format!("{what}; chunks are `HEX-SIZE CRLF data CRLF`, ended by `0 CRLF CRLF`"),
    ))
}

fn too_large(limits: &HttpLimits) -> Rejection {
    Rejection::new(413, format!("the request body is larger than {} bytes", limits.max_body_size))
}

impl BodyReader<'_> {
    /// The 413 a declared `Content-Length` over the limit gets, before any
    /// of the body is read.
    pub(super) fn check_declared(length: BodyLength, limits: &HttpLimits) -> Result<(), Rejection> {
        match length {
            BodyLength::Fixed(len) if len > limits.max_body_size => Err(too_large(limits)),
            _ => Ok(()),
        }
    }
}
