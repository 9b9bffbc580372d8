//! Parsing a request head with `httparse`, limits enforced.

use super::rejection::Rejection;
use super::HttpLimits;
use std::fmt;
use std::mem::MaybeUninit;

/// Header fields are parsed into an array on the stack up to this many
/// (`HttpLimits::max_headers` is 100 unless set); past it, the heap.
const STACK_HEADERS: usize = 128;

/// A parsed request line and header fields, owned: their bytes copied
/// into one buffer, each part a span of it, so a request costs two
/// allocations whatever its number of fields (a `String` for each name
/// and value was a tenth of a keep-alive hello's instructions, in
/// `malloc` and `free`).
pub(super) struct RequestHead {
    /// The method, the target, then each field's name and value.
    bytes: Vec<u8>,
    method: Span,
    target: Span,
    /// `httparse`'s minor version: 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub(super) minor: u8,
    headers: Vec<(Span, Span)>,
}

/// Where a part of the head lies in [`RequestHead::bytes`].
type Span = (usize, usize);

/// The parts as text, not as spans of a buffer (what `HttpRequest`'s
/// `Debug` showed when each was a `String`).
impl fmt::Debug for RequestHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<_> =
            self.headers().map(|(name, value)| (name, String::from_utf8_lossy(value))).collect();
        f.debug_struct("RequestHead")
            .field("method", &self.method())
            .field("target", &self.target())
            .field("minor", &self.minor)
            .field("headers", &headers)
            .finish()
    }
}

impl RequestHead {
    /// Copies what `httparse` read.
    fn owned(request: &httparse::Request<'_, '_>) -> RequestHead {
        let method = request.method.unwrap_or_default();
        let target = request.path.unwrap_or_default();
        let fields: usize = request.headers.iter().map(|h| h.name.len() + h.value.len()).sum();
        let mut bytes = Vec::with_capacity(method.len() + target.len() + fields);
        let mut span = |part: &[u8]| {
            let start = bytes.len();
            bytes.extend_from_slice(part);
            (start, bytes.len())
        };
        let (method, target) = (span(method.as_bytes()), span(target.as_bytes()));
        let headers = request.headers.iter().map(|h| (span(h.name.as_bytes()), span(h.value))).collect();
        RequestHead { bytes, method, target, minor: request.version.unwrap_or(1), headers }
    }

    /// The method, as sent.
    pub(super) fn method(&self) -> &str {
        self.text(self.method)
    }

    /// The request target, as sent.
    pub(super) fn target(&self) -> &str {
        self.text(self.target)
    }

    /// Every header field in order, names as sent.
    pub(super) fn headers(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.headers.iter().map(|&(name, value)| (self.text(name), self.slice(value)))
    }

    /// How many header fields the head has.
    pub(super) fn header_count(&self) -> usize {
        self.headers.len()
    }

    /// Every value of a header field, the name matched in any case.
    pub(super) fn values<'a, 'n>(&'a self, name: &'n str) -> impl Iterator<Item = &'a [u8]> + use<'a, 'n> {
        // Names compared as bytes: no UTF-8 check for each field of each
        // lookup (it was an eighth of a keep-alive hello's instructions).
        let named = move |&&(n, _): &&(Span, Span)| self.slice(n).eq_ignore_ascii_case(name.as_bytes());
        self.headers.iter().filter(named).map(|&(_, value)| self.slice(value))
    }

    /// The first value of a header field, the name matched in any case.
    pub(super) fn value(&self, name: &str) -> Option<&[u8]> {
        self.values(name).next()
    }

    /// The comma-separated list items of every value of a header field,
    /// trimmed and lower-cased, empty items dropped (RFC 9110 §5.6.1).
    pub(super) fn list(&self, name: &str) -> Vec<String> {
        self.items(name).map(|item| String::from_utf8_lossy(item).to_ascii_lowercase()).collect()
    }

    /// Whether a header list holds this token, in any case (no list is
    /// made: this runs for every request).
    pub(super) fn has_token(&self, name: &str, token: &str) -> bool {
        self.items(name).any(|item| item.eq_ignore_ascii_case(token.as_bytes()))
    }

    /// The list items of a header field, trimmed, empty ones dropped.
    fn items<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        let items = self.values(name).flat_map(|value| value.split(|&b| b == b','));
        items.map(<[u8]>::trim_ascii).filter(|item| !item.is_empty())
    }

    fn slice(&self, (start, end): Span) -> &[u8] {
        &self.bytes[start..end]
    }

    /// A part `httparse` gave as `&str`, so always UTF-8.
    fn text(&self, span: Span) -> &str {
        std::str::from_utf8(self.slice(span)).unwrap_or_default()
    }
}

/// Parses a head from the start of `buf`: `Ok(None)` when more bytes are
/// needed, else the head and the bytes it took.
///
/// # Errors
///
/// A [`Rejection`] with the status the issue calls for: 414, 431, 400 or
/// 505.
pub(super) fn parse_head(buf: &[u8], limits: &HttpLimits) -> Result<Option<(RequestHead, usize)>, Rejection> {
    check_request_line(buf, limits)?;
    // Parsed into uninitialised space on the stack up to a usual limit (a
    // zeroed `Vec` each request was an allocation and a 3 KiB `memset`).
    let mut stack = [const { MaybeUninit::uninit() }; STACK_HEADERS];
    let mut heap = Vec::new();
    let headers = match limits.max_headers {
        max if max <= STACK_HEADERS => &mut stack[..max],
        max => {
            heap.resize_with(max, MaybeUninit::uninit);
            &mut heap[..]
        }
    };
    let mut request = httparse::Request::new(&mut []);
    match request.parse_with_uninit_headers(buf, headers) {
        Ok(httparse::Status::Complete(len)) if len > limits.max_head_size => Err(head_too_large(limits)),
        Ok(httparse::Status::Complete(len)) => Ok(Some((RequestHead::owned(&request), len))),
        Ok(httparse::Status::Partial) if buf.len() > limits.max_head_size => Err(head_too_large(limits)),
        Ok(httparse::Status::Partial) => Ok(None),
        Err(httparse::Error::TooManyHeaders) => Err(Rejection::new(
            431,
            format!("the request has more than {} header fields", limits.max_headers),
        )),
        Err(httparse::Error::Version) => later_minor(buf, limits).unwrap_or_else(|| Err(bad_version(buf))),
        Err(_) if request_line(buf).split(|&b| b == b' ').count() > 3 => Err(space_in_target()),
        Err(err) => Err(Rejection::new(
            400,
            format!(
                "malformed request head ({err}); expected `METHOD /target HTTP/1.1` \
                 then `Name: value` lines, each ended by CRLF"
            ),
        )),
    }
}

/// 414 when the request line (blank lines before it skipped) is longer
/// than the limit, whether or not its end has arrived.
fn check_request_line(buf: &[u8], limits: &HttpLimits) -> Result<(), Rejection> {
    let start = buf.iter().position(|&b| b != b'\r' && b != b'\n').unwrap_or(buf.len());
    let line = &buf[start..];
    let len = match memchr::memchr(b'\n', line) {
        Some(end) => line[..end].strip_suffix(b"\r").unwrap_or(&line[..end]).len(),
        None => line.len(),
    };
    if len > limits.max_request_line {
        return Err(Rejection::new(
            414,
            format!("the request line is longer than {} bytes", limits.max_request_line),
        ));
    }
    Ok(())
}

fn head_too_large(limits: &HttpLimits) -> Rejection {
    Rejection::new(431, format!("the request head is larger than {} bytes", limits.max_head_size))
}

/// The request line: the first line that is not blank (RFC 9112 §2.2
/// lets a server skip empty lines before it), without its line end.
fn request_line(buf: &[u8]) -> &[u8] {
    let line = buf.split(|&b| b == b'\n').find(|line| !line.iter().all(|&b| b == b'\r')).unwrap_or(b"");
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// A request line `METHOD target HTTP/1.n` with `n` above 1: RFC 9110
/// §6.2 has a server handle a higher minor version as the highest it
/// supports, so the head is parsed again as HTTP/1.1 (in a copy, the
/// version digit changed; only such requests pay for it). `None` for
/// anything else.
fn later_minor(buf: &[u8], limits: &HttpLimits) -> Option<Result<Option<(RequestHead, usize)>, Rejection>> {
    let start = buf.iter().position(|&b| b != b'\r' && b != b'\n')?;
    let rest = &buf[start..];
    let end = memchr::memchr(b'\n', rest);
    let line = end.map_or(rest, |end| rest[..end].strip_suffix(b"\r").unwrap_or(&rest[..end]));
    let token = line.rsplit(|&b| b == b' ').next()?;
    let later = token.len() == 8 && token.starts_with(b"HTTP/1.") && matches!(token[7], b'2'..=b'9');
    if !later || line.iter().filter(|&&b| b == b' ').count() != 2 {
        return None;
    }
    if end.is_none() {
        return Some(Ok(None));
    }
    let mut copy = buf.to_vec();
    copy[start + line.len() - 1] = b'1';
    Some(parse_head(&copy, limits))
}

/// `httparse` accepts only HTTP/1.0 and HTTP/1.1: a request line with a
/// space inside its target gets 400 (RFC 9112 §3.2), a well-formed later
/// major version (`HTTP/2.0`, `HTTP/3.0`) 505, anything else 400.
fn bad_version(buf: &[u8]) -> Rejection {
    let line = request_line(buf);
    let parts = line.split(|&b| b == b' ').count();
    if parts > 3 {
        return space_in_target();
    }
    let token = line.rsplit(|&b| b == b' ').next().unwrap_or(b"");
    match token.strip_prefix(b"HTTP/") {
        Some([b'2'..=b'9'] | [b'2'..=b'9', b'.', b'0'..=b'9']) if parts == 3 => Rejection::new(
            505,
            format!(
                "HTTP/{} is not supported; this server speaks HTTP/1.x (1.0, 1.1, and later 1.x minors as 1.1)",
                String::from_utf8_lossy(&token[5..]).trim_end()
            ),
        ),
        _ => Rejection::new(400, "malformed HTTP version; expected HTTP/1.0 or HTTP/1.1"),
    }
}

fn space_in_target() -> Rejection {
    Rejection::new(
        400,
        "the request line has more than three parts: a request target may not hold a space \
         (RFC 9112 §3.2); send it percent-encoded as %20",
    )
}
