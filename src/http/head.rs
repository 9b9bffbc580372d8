//! Parsing a request head with `httparse`, limits enforced.

use super::rejection::Rejection;
use super::HttpLimits;

/// A parsed request line and header fields, owned.
#[derive(Debug)]
pub(super) struct RequestHead {
    pub(super) method: String,
    pub(super) target: String,
    /// `httparse`'s minor version: 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub(super) minor: u8,
    pub(super) headers: Vec<(String, Vec<u8>)>,
}

impl RequestHead {
    /// Every value of a header field, the name matched in any case.
    pub(super) fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_slice())
    }

    /// The comma-separated list items of every value of a header field,
    /// trimmed and lower-cased, empty items dropped (RFC 9110 §5.6.1).
    pub(super) fn list(&self, name: &str) -> Vec<String> {
        self.values(name)
            .flat_map(|value| value.split(|&b| b == b','))
            .map(|item| String::from_utf8_lossy(item).trim().to_ascii_lowercase())
            .filter(|item| !item.is_empty())
            .collect()
    }

    /// Whether a header list holds this token.
    pub(super) fn has_token(&self, name: &str, token: &str) -> bool {
        self.list(name).iter().any(|item| item == token)
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
    let mut headers = vec![httparse::EMPTY_HEADER; limits.max_headers];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(buf) {
        Ok(httparse::Status::Complete(len)) if len > limits.max_head_size => Err(head_too_large(limits)),
        Ok(httparse::Status::Complete(len)) => Ok(Some((owned(&request), len))),
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

fn owned(request: &httparse::Request<'_, '_>) -> RequestHead {
    RequestHead {
        method: request.method.unwrap_or_default().to_string(),
        target: request.path.unwrap_or_default().to_string(),
        minor: request.version.unwrap_or(1),
        headers: request.headers.iter().map(|h| (h.name.to_string(), h.value.to_vec())).collect(),
    }
}
