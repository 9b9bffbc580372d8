//! A `multipart/byteranges` body (RFC 9110 §14.6): several ranges of one
//! representation, each with its own `Content-Range`.

use super::ByteRange;
use crate::http::body::Body;
use std::collections::hash_map::RandomState;
use std::fs::File;
use std::hash::BuildHasher;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;

/// Where the ranges' bytes come from.
#[derive(Debug)]
pub(super) enum Source {
    /// A file, read at each range's offset (never through its cursor).
    File(File),
    /// A body held in memory.
    Bytes(Vec<u8>),
}

impl Source {
    /// `len` bytes from `first` as a response body: a file's go by
    /// `sendfile(2)` where the connection allows.
    pub(super) fn into_body(self, first: u64, len: u64) -> Body {
        match self {
            Source::File(file) => Body::File { file, offset: first, len },
            Source::Bytes(mut bytes) => {
                let (first, len) = (first as usize, len as usize);
                bytes.truncate(first + len);
                bytes.drain(..first);
                Body::Bytes(bytes)
            }
        }
    }

    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        match self {
            Source::File(file) => file.read_at(buf, offset),
            Source::Bytes(bytes) => {
                let rest = usize::try_from(offset).ok().and_then(|at| bytes.get(at..)).unwrap_or_default();
                let n = rest.len().min(buf.len());
                buf[..n].copy_from_slice(&rest[..n]);
                Ok(n)
            }
        }
    }
}

/// One piece of the body: framing text, or bytes of the source.
#[derive(Debug)]
enum Piece {
    Text(Vec<u8>),
    Source { offset: u64, left: u64 },
}

/// The body of a multi-range response, read piece by piece (no more of
/// a file in memory than the caller's buffer); its exact length is known
/// up front, so it is sent with `Content-Length`.
#[derive(Debug)]
pub(super) struct Multipart {
    source: Source,
    pieces: Vec<Piece>,
    next: usize,
    at: usize,
    len: u64,
    boundary: String,
}

impl Multipart {
    /// The body for `parts` (sorted, disjoint) of `source`, of type
    /// `content_type` (a checked field value). `seed` (the entity tag)
    /// and the process's random hash keys make the boundary.
    pub(super) fn new(source: Source, parts: &[ByteRange], content_type: &str, seed: &str) -> Multipart {
        let boundary = format!("socketserver-{:016x}", RandomState::new().hash_one(seed));
        let mut pieces = Vec::with_capacity(parts.len() * 2 + 1);
        for part in parts {
            let head = format!(
                "\r\n--{boundary}\r\nContent-Type: {content_type}\r\nContent-Range: {}\r\n\r\n",
                part.content_range()
            );
            pieces.push(Piece::Text(head.into_bytes()));
            pieces.push(Piece::Source { offset: part.first(), left: part.len() });
        }
        pieces.push(Piece::Text(format!("\r\n--{boundary}--\r\n").into_bytes()));
        let len = pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => text.len() as u64,
                Piece::Source { left, .. } => *left,
            })
            .sum();
        Multipart { source, pieces, next: 0, at: 0, len, boundary }
    }

    /// The body's length in bytes.
    pub(super) fn len(&self) -> u64 {
        self.len
    }

    /// The `Content-Type` of the response.
    pub(super) fn content_type(&self) -> String {
        format!("multipart/byteranges; boundary={}", self.boundary)
    }
}

impl Read for Multipart {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while let Some(piece) = self.pieces.get_mut(self.next) {
            let n = match piece {
                Piece::Text(text) => {
                    let n = (text.len() - self.at).min(buf.len());
                    buf[..n].copy_from_slice(&text[self.at..self.at + n]);
                    self.at += n;
                    if self.at == text.len() {
                        self.next += 1;
                        self.at = 0;
                    }
                    n
                }
                Piece::Source { offset, left } => {
                    let want = (*left).min(buf.len() as u64) as usize;
                    let n = self.source.read_at(&mut buf[..want], *offset)?;
                    if n == 0 && want > 0 {
                        return Ok(0);
                    }
                    *offset += n as u64;
                    *left -= n as u64;
                    if *left == 0 {
                        self.next += 1;
                    }
                    n
                }
            };
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
        }
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9110_14_6_parts_in_memory_with_an_exact_length() {
        let parts = [ByteRange::new(0, 1, 10), ByteRange::new(5, 9, 10)];
        let mut body = Multipart::new(Source::Bytes(b"0123456789".to_vec()), &parts, "text/plain", "\"t\"");
        let boundary =
            body.content_type().strip_prefix("multipart/byteranges; boundary=").unwrap().to_string();
        let mut out = Vec::new();
        let mut small = [0u8; 3];
        loop {
            match body.read(&mut small).unwrap() {
                0 => break,
                n => out.extend_from_slice(&small[..n]),
            }
        }
        let want = format!(
            "\r\n--{boundary}\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\n01\
             \r\n--{boundary}\r\nContent-Type: text/plain\r\nContent-Range: bytes 5-9/10\r\n\r\n56789\
             \r\n--{boundary}--\r\n"
        );
        assert_eq!(String::from_utf8(out).unwrap(), want);
        assert_eq!(body.len(), want.len() as u64);
    }
}
