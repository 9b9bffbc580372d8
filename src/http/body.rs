//! What a response carries after its head.

use std::fmt;
use std::fs::File;
use std::io::Read;

/// A response body: bytes in memory, a reader of known length, or a
/// reader of unknown length (sent chunked, or until close to HTTP/1.0).
pub(super) enum Body {
    /// Sent with `Content-Length`.
    Bytes(Vec<u8>),
    /// Sent with `Content-Length`; the reader must yield exactly that many
    /// bytes.
    Sized(Box<dyn Read + Send>, u64),
    /// Sent with `Transfer-Encoding: chunked` (HTTP/1.1) or until the
    /// connection closes (HTTP/1.0).
    Stream(Box<dyn Read + Send>),
    /// `len` bytes of a file from `offset`, sent with `Content-Length`:
    /// with `sendfile(2)` where the connection allows it.
    File { file: File, offset: u64, len: u64 },
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
            Body::Sized(_, len) => write!(f, "Sized({len} bytes)"),
            Body::Stream(_) => f.write_str("Stream"),
            Body::File { offset, len, .. } => write!(f, "File({len} bytes from {offset})"),
        }
    }
}
