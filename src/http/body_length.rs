//! How long a request body is, from its header fields (RFC 9112 §6).

use super::head::RequestHead;
use super::rejection::Rejection;

/// How a request's body is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum BodyLength {
    /// No body.
    Empty,
    /// `Content-Length` bytes.
    Fixed(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
}

impl BodyLength {
    /// Reads the framing header fields, refusing every ambiguity a proxy
    /// and this server could read differently (request smuggling):
    /// `Content-Length` with `Transfer-Encoding`, conflicting or malformed
    /// `Content-Length` values, a coding list not ending in `chunked`.
    ///
    /// # Errors
    ///
    /// 400 for the ambiguities above, 501 for a transfer coding other than
    /// `chunked`.
    pub(super) fn of(head: &RequestHead) -> Result<BodyLength, Rejection> {
        let has_length = head.values("content-length").next().is_some();
        let has_coding = head.values("transfer-encoding").next().is_some();
        match (has_length, has_coding) {
            (true, true) => Err(Rejection::new(
                400,
                "the request has both Content-Length and Transfer-Encoding; send only one",
            )),
            (false, true) => transfer_coding(head),
            (true, false) => content_length(head),
            (false, false) => Ok(BodyLength::Empty),
        }
    }
}

fn transfer_coding(head: &RequestHead) -> Result<BodyLength, Rejection> {
    if head.minor == 0 {
        return Err(Rejection::new(400, "Transfer-Encoding is not allowed in an HTTP/1.0 request"));
    }
    let codings = head.list("transfer-encoding");
    if codings.last().map(String::as_str) != Some("chunked") {
        return Err(Rejection::new(400, "the last transfer coding of a request must be chunked"));
    }
    if codings.len() > 1 {
        return Err(Rejection::new(
            501,
            format!("transfer codings {codings:?} are not supported; only `chunked` is"),
        ));
    }
    Ok(BodyLength::Chunked)
}

fn content_length(head: &RequestHead) -> Result<BodyLength, Rejection> {
    let mut length = None;
    for value in head.values("content-length").flat_map(|v| v.split(|&b| b == b',')) {
        let parsed = std::str::from_utf8(value)
            .ok()
            .map(|text| text.trim_matches([' ', '\t']))
            .filter(|text| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|text| text.parse::<u64>().ok())
            .ok_or_else(|| {
                Rejection::new(400, "Content-Length must be a decimal number of bytes, such as 42")
            })?;
        if length.is_some_and(|seen| seen != parsed) {
            return Err(Rejection::new(400, "the request has conflicting Content-Length values"));
        }
        length = Some(parsed);
    }
    Ok(match length {
        Some(0) | None => BodyLength::Empty,
        Some(n) => BodyLength::Fixed(n),
    })
}
