//! The response an application returns.

use super::body::Body;
use super::Method;
use std::fs::File;
use std::io::{self, Read};

/// Headers the layer writes itself, from the body: an application that
/// set them could make the framing lie.
const FRAMING_HEADERS: [&str; 2] = ["content-length", "transfer-encoding"];

/// An HTTP response: a status, header fields and a body.
///
/// Built with chained calls. The layer adds what the wire needs: the
/// status line, `Date` and `Server` (unless the application set them),
/// `Content-Length` from the body (or `Transfer-Encoding: chunked` for a
/// [`stream`](Self::stream)), and `Connection`. A `HEAD` request gets the
/// same header fields and no body.
///
/// Header fields are checked as they are added: a name must be an HTTP
/// token and a value must not contain CR, LF or NUL, so a value taken from
/// a request can never split the response (Python's `send_header` allows
/// it, gh-150679). `Content-Length` and `Transfer-Encoding` are refused
/// too: the layer derives them from the body.
///
/// # Examples
///
/// ```
/// use socketserver::http::HttpResponse;
///
/// let page = HttpResponse::html(200, "<h1>Hi</h1>").header("Cache-Control", "no-store")?;
/// assert_eq!(page.status(), 200);
/// assert_eq!(page.header_value("content-type"), Some("text/html; charset=utf-8"));
///
/// let split = HttpResponse::new(302).header("Location", "/\r\nSet-Cookie: x=1");
/// assert!(split.is_err());
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct HttpResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Body,
}

impl HttpResponse {
    /// A response with this status, no header fields and an empty body.
    ///
    /// # Panics
    ///
    /// Panics if `status` is not a three-digit code (100 to 999); inside a
    /// handler that panic becomes a `500` for the request.
    pub fn new(status: u16) -> HttpResponse {
        assert!((100..=999).contains(&status), "an HTTP status is three digits, 100 to 999, not {status}");
        HttpResponse { status, headers: Vec::new(), body: Body::Bytes(Vec::new()) }
    }

    /// A `text/plain; charset=utf-8` response.
    ///
    /// # Panics
    ///
    /// As [`new`](Self::new).
    pub fn text(status: u16, text: impl Into<String>) -> HttpResponse {
        HttpResponse::new(status).typed("text/plain; charset=utf-8").body(text.into())
    }

    /// A `text/html; charset=utf-8` response.
    ///
    /// # Panics
    ///
    /// As [`new`](Self::new).
    pub fn html(status: u16, html: impl Into<String>) -> HttpResponse {
        HttpResponse::new(status).typed("text/html; charset=utf-8").body(html.into())
    }

    /// A `405 Method Not Allowed` naming the methods that are, in `Allow`.
    pub fn method_not_allowed(method: Method, allowed: &[Method]) -> HttpResponse {
        let allow = allowed.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", ");
        let text = format!("405 Method Not Allowed: {method} is not allowed here; allowed: {allow}\n");
        HttpResponse::text(405, text).typed_header("Allow", allow)
    }

    /// Adds a header field (several fields may share a name).
    ///
    /// # Errors
    ///
    /// Fails with `InvalidInput` when the name is not an HTTP token, when
    /// the value holds CR, LF, NUL or another control character but tab,
    /// or when the name is `Content-Length` or `Transfer-Encoding`, which
    /// the layer writes from the body.
    pub fn header(mut self, name: &str, value: &str) -> io::Result<HttpResponse> {
        check_name(name)?;
        check_value(name, value)?;
        self.headers.push((name.to_string(), value.to_string()));
        Ok(self)
    }

    /// Sets the body to these bytes, sent with `Content-Length`.
    pub fn body(mut self, bytes: impl Into<Vec<u8>>) -> HttpResponse {
        self.body = Body::Bytes(bytes.into());
        self
    }

    /// Sets the body to `len` bytes read from `reader` as the response is
    /// written (a file, say), sent with `Content-Length: len`. If the
    /// reader ends early the connection is closed, since the framing
    /// would otherwise lie.
    pub fn sized_body(mut self, reader: impl Read + Send + 'static, len: u64) -> HttpResponse {
        self.body = Body::Sized(Box::new(reader), len);
        self
    }

    /// Sets the body to `len` bytes of `file` starting at `offset`, sent
    /// with `Content-Length: len`. On Linux, over plain TCP and Unix
    /// sockets, the bytes go from the file to the socket with
    /// `sendfile(2)`, never through the process; elsewhere (or when the
    /// layer's [`sendfile`](super::Http::sendfile) is off) they are read
    /// and written 64 KiB at a time, as for [`sized_body`](Self::sized_body).
    /// A small file is sent in the same write as the response head. If
    /// the file ends early the connection is closed.
    pub fn file_body(mut self, file: File, offset: u64, len: u64) -> HttpResponse {
        self.body = Body::File { file, offset, len };
        self
    }

    /// Sets the body to everything `reader` yields, length unknown: sent
    /// with `Transfer-Encoding: chunked` to HTTP/1.1 clients, and until the
    /// connection closes to HTTP/1.0 ones.
    pub fn stream(mut self, reader: impl Read + Send + 'static) -> HttpResponse {
        self.body = Body::Stream(Box::new(reader));
        self
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The header fields set so far, in order.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The first value of a header field, the name matched in any case.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body bytes, if the body is held in memory.
    pub fn body_bytes(&self) -> Option<&[u8]> {
        match &self.body {
            Body::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// Sets a body built by the layer.
    pub(super) fn with_body(mut self, body: Body) -> HttpResponse {
        self.body = body;
        self
    }

    pub(super) fn into_parts(self) -> (u16, Vec<(String, String)>, Body) {
        (self.status, self.headers, self.body)
    }

    /// Adds a `Content-Type` known to be valid.
    fn typed(self, content_type: &str) -> HttpResponse {
        self.typed_header("Content-Type", content_type.to_string())
    }

    /// Adds a header field built from known-valid parts (a name and a
    /// value already checked as [`header`](Self::header) checks them).
    pub(crate) fn typed_header(mut self, name: &str, value: String) -> HttpResponse {
        self.headers.push((name.to_string(), value));
        self
    }
}

fn check_name(name: &str) -> io::Result<()> {
    if name.is_empty() || !name.bytes().all(is_token_byte) {
        return Err(invalid(format!(
            "header name {name:?} is not an HTTP token; use letters, digits and !#$%&'*+-.^_`|~"
        )));
    }
    if FRAMING_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name)) {
        return Err(invalid(format!(
            "header {name} is written by the HTTP layer from the body; \
             set the body with body(), sized_body() or stream() instead"
        )));
    }
    Ok(())
}

/// Checks a field value as [`HttpResponse::header`] does.
pub(super) fn check_value(name: &str, value: &str) -> io::Result<()> {
    match value.bytes().find(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        Some(bad) => Err(invalid(format!(
            "the value of header {name} contains the control byte {bad:#04x}; \
             CR, LF, NUL and other control characters (tab aside) are refused"
        ))),
        None => Ok(()),
    }
}

/// RFC 9110 `tchar`.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}
