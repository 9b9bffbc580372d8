//! The content codings a response can be sent in (RFC 9110 §8.4.1).

use std::fmt;

/// A content coding of a body, named in `Content-Encoding` and weighed
/// by a client's `Accept-Encoding`.
///
/// # Examples
///
/// ```
/// use socketserver::http::ContentCoding;
///
/// assert_eq!(ContentCoding::Brotli.token(), "br");
/// assert_eq!(ContentCoding::Zstd.to_string(), "zstd");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContentCoding {
    /// Brotli, `br` (RFC 7932).
    Brotli,
    /// Zstandard, `zstd` (RFC 8878).
    Zstd,
    /// Gzip, `gzip` (RFC 1952); a client's `x-gzip` counts as it.
    Gzip,
    /// The zlib format, `deflate` (RFC 1950).
    Deflate,
}

impl ContentCoding {
    /// The `Content-Encoding` token.
    pub fn token(self) -> &'static str {
        match self {
            ContentCoding::Brotli => "br",
            ContentCoding::Zstd => "zstd",
            ContentCoding::Gzip => "gzip",
            ContentCoding::Deflate => "deflate",
        }
    }
}

impl fmt::Display for ContentCoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.token())
    }
}
