//! A `multipart/byteranges` body (RFC 9110 §14.6): several ranges of one
//! file, each with its own `Content-Range`.

use std::collections::hash_map::RandomState;
use std::fs::File;
use std::hash::BuildHasher;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;

/// One piece of the body: framing text, or bytes of the file.
#[derive(Debug)]
enum Piece {
    Text(Vec<u8>),
    File { offset: u64, left: u64 },
}

/// The body of a multi-range response, read piece by piece (no more of
/// the file in memory than the caller's buffer); its exact length is
/// known up front, so it is sent with `Content-Length`.
#[derive(Debug)]
pub(super) struct Multipart {
    file: File,
    pieces: Vec<Piece>,
    next: usize,
    at: usize,
    len: u64,
    boundary: String,
}

impl Multipart {
    /// The body for `parts` (sorted, disjoint) of `file`, `total` bytes
    /// long, of type `content_type`. `seed` (the entity tag) and the
    /// process's random hash keys make the boundary.
    pub(super) fn new(
        file: File,
        parts: &[(u64, u64)],
        total: u64,
        content_type: &str,
        seed: &str,
    ) -> Multipart {
        let boundary = format!("socketserver-{:016x}", RandomState::new().hash_one(seed));
        let mut pieces = Vec::with_capacity(parts.len() * 2 + 1);
        for &(first, last) in parts {
            let head = format!(
                "\r\n--{boundary}\r\nContent-Type: {content_type}\r\nContent-Range: bytes {first}-{last}/{total}\r\n\r\n"
            );
            pieces.push(Piece::Text(head.into_bytes()));
            pieces.push(Piece::File { offset: first, left: last - first + 1 });
        }
        pieces.push(Piece::Text(format!("\r\n--{boundary}--\r\n").into_bytes()));
        let len = pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => text.len() as u64,
                Piece::File { left, .. } => *left,
            })
            .sum();
        Multipart { file, pieces, next: 0, at: 0, len, boundary }
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
                Piece::File { offset, left } => {
                    let want = (*left).min(buf.len() as u64) as usize;
                    let n = self.file.read_at(&mut buf[..want], *offset)?;
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
