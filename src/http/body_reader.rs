//! Reading a request body, `Content-Length` bytes or decoded chunks, as
//! far as the bytes received allow: it resumes where the input ran out.

use super::body_length::BodyLength;
use super::rejection::Rejection;
use super::HttpLimits;
use crate::request::ReadBuffer;

/// Longest chunk-size line (size, extensions, CRLF) accepted.
const MAX_CHUNK_LINE: usize = 4096;
/// Most memory reserved for a body before its bytes arrive.
const RESERVE: u64 = 64 * 1024;

/// Where in the body the reader is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    /// `left` more bytes of a `Content-Length` body.
    Fixed { left: u64 },
    /// A chunk-size line.
    ChunkSize,
    /// `left` more bytes of a chunk's data.
    ChunkData { left: u64 },
    /// The CRLF after a chunk's data.
    ChunkEnd,
    /// The trailer section after the last chunk.
    Trailers,
    /// The whole body is read.
    Done,
}

/// One request body being read: what has arrived (de-chunked) and what
/// is expected next.
#[derive(Debug)]
pub(super) struct BodyReader {
    body: Vec<u8>,
    part: Part,
}

impl BodyReader {
    /// A reader for a body of this length.
    pub(super) fn new(length: BodyLength) -> BodyReader {
        let (body, part) = match length {
            BodyLength::Empty => (Vec::new(), Part::Done),
            BodyLength::Fixed(len) => {
                (Vec::with_capacity(len.min(RESERVE) as usize), Part::Fixed { left: len })
            }
            BodyLength::Chunked => (Vec::new(), Part::ChunkSize),
        };
        BodyReader { body, part }
    }

    /// The 413 a declared `Content-Length` over the limit gets, before any
    /// of the body is read.
    pub(super) fn check_declared(length: BodyLength, limits: &HttpLimits) -> Result<(), Rejection> {
        match length {
            BodyLength::Fixed(len) if len > limits.max_body_size => Err(too_large(limits)),
            _ => Ok(()),
        }
    }

    /// Takes what the pending input holds of the body; `Ok(true)` once
    /// the whole body is read.
    ///
    /// # Errors
    ///
    /// 400 for malformed chunking, 413 for chunks past `max_body_size`,
    /// 431 for a large trailer section.
    pub(super) fn advance(&mut self, input: &mut ReadBuffer, limits: &HttpLimits) -> Result<bool, Rejection> {
        loop {
            let next = match self.part {
                Part::Done => return Ok(true),
                Part::Fixed { left } => self.data(input, left).map(|left| Part::Fixed { left }),
                Part::ChunkData { left } => self.data(input, left).map(|left| Part::ChunkData { left }),
                Part::ChunkSize => self.chunk_size(input, limits)?,
                Part::ChunkEnd => chunk_end(input)?,
                Part::Trailers => trailers(input, limits)?,
            };
            match next {
                Some(Part::Fixed { left: 0 }) => self.part = Part::Done,
                Some(Part::ChunkData { left: 0 }) => self.part = Part::ChunkEnd,
                Some(part) => self.part = part,
                None => return Ok(false),
            }
        }
    }

    /// The body read, once [`advance`](Self::advance) said it is whole.
    pub(super) fn into_body(self) -> Vec<u8> {
        self.body
    }

    /// Takes up to `left` bytes; how many are still to come, or `None`
    /// when nothing was pending.
    fn data(&mut self, input: &mut ReadBuffer, left: u64) -> Option<u64> {
        let taken = input.take(usize::try_from(left).unwrap_or(usize::MAX));
        if taken.is_empty() && left > 0 {
            return None;
        }
        self.body.extend_from_slice(taken);
        Some(left - taken.len() as u64)
    }

    /// Reads a chunk-size line with `httparse::parse_chunk_size`.
    fn chunk_size(&mut self, input: &mut ReadBuffer, limits: &HttpLimits) -> Result<Option<Part>, Rejection> {
        let pending = input.pending();
        match httparse::parse_chunk_size(pending) {
            Ok(httparse::Status::Complete((len, _))) if len > MAX_CHUNK_LINE => Err(chunk_line_too_long()),
            Ok(httparse::Status::Complete((len, size))) => {
                check_chunk_line(&pending[..len])?;
                input.consume(len);
                if size == 0 {
                    return Ok(Some(Part::Trailers));
                }
                if (self.body.len() as u64).saturating_add(size) > limits.max_body_size {
                    return Err(too_large(limits));
                }
                Ok(Some(Part::ChunkData { left: size }))
            }
            Ok(httparse::Status::Partial) if pending.len() > MAX_CHUNK_LINE => Err(chunk_line_too_long()),
            Ok(httparse::Status::Partial) => Ok(None),
            Err(httparse::InvalidChunkSize) => Err(bad_chunk("malformed chunk-size line")),
        }
    }
}

/// Expects the CRLF after a chunk's data.
fn chunk_end(input: &mut ReadBuffer) -> Result<Option<Part>, Rejection> {
    let pending = input.pending();
    if pending.len() < 2 {
        return Ok(None);
    }
    if &pending[..2] != b"\r\n" {
        return Err(bad_chunk("chunk data is not followed by CRLF"));
    }
    input.consume(2);
    Ok(Some(Part::ChunkSize))
}

/// Reads (and drops) the trailer fields after the last chunk, with
/// `httparse::parse_headers`, within the head limits.
fn trailers(input: &mut ReadBuffer, limits: &HttpLimits) -> Result<Option<Part>, Rejection> {
    let mut fields = vec![httparse::EMPTY_HEADER; limits.max_headers];
    let pending = input.pending();
    match httparse::parse_headers(pending, &mut fields) {
        Ok(httparse::Status::Complete((len, _))) if len > limits.max_head_size => Err(trailer_too_large()),
        Ok(httparse::Status::Complete((len, _))) => {
            input.consume(len);
            Ok(Some(Part::Done))
        }
        Ok(httparse::Status::Partial) if pending.len() > limits.max_head_size => Err(trailer_too_large()),
        Ok(httparse::Status::Partial) => Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            Err(Rejection::new(431, "the chunked trailer has too many fields"))
        }
        Err(err) => Err(bad_chunk(&format!("malformed trailer section ({err})"))),
    }
}

/// `parse_chunk_size` takes an empty size and any byte in an extension;
/// refuse both, and a bare CR or LF anywhere before the line end.
fn check_chunk_line(line: &[u8]) -> Result<(), Rejection> {
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
fn chunk_line_too_long() -> Rejection {
    bad_chunk(&format!("a chunk-size line is longer than {MAX_CHUNK_LINE} bytes"))
}

/// Refused whether the trailer arrived in one read or in several.
fn trailer_too_large() -> Rejection {
    Rejection::new(431, "the chunked trailer section is too large")
}

fn bad_chunk(what: &str) -> Rejection {
    Rejection::new(400, format!("{what}; chunks are `HEX-SIZE CRLF data CRLF`, ended by `0 CRLF CRLF`"))
}

fn too_large(limits: &HttpLimits) -> Rejection {
    Rejection::new(413, format!("the request body is larger than {} bytes", limits.max_body_size))
}
