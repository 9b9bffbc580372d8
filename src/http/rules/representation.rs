//! A body answered under the rules: preconditions, ranges, codings.

use super::multipart::{Multipart, Source};
use super::{ByteRange, ContentCoding, Precondition, Ranges, Validators};
use crate::http::body::Body;
use crate::http::response::check_value;
use crate::http::{HttpRequest, HttpResponse};
use std::fs::File;
use std::io::{self, Read};

const FAILED: &str =
    "412 Precondition Failed: the current representation does not satisfy If-Match, If-Unmodified-Since \
     or If-None-Match\n";

/// One representation of a resource, its body and metadata, answered to
/// a request under the rules of RFC 9110: `304` or `412` by its
/// [`Validators`] (§13.2.2), then the whole body (`200`), one range
/// (`206` with `Content-Range`), several (`206` `multipart/byteranges`)
/// or `416` by the request's `Range` and `If-Range` ([`Ranges::of`]).
///
/// A handler builds one for a body it holds or generates and returns
/// [`respond`](Self::respond)'s answer; `StaticFiles` answers every file
/// this way. Every answer carries the validators (`ETag`,
/// `Last-Modified`), and `Vary: Accept-Encoding` when the body was
/// [`negotiated`](Self::negotiated); `200` and `206` carry
/// `Content-Type`, `Content-Encoding` and `Accept-Ranges` (`bytes`, or
/// `none` for a [`stream`](Self::stream), which is never split).
/// Add further fields (`Cache-Control`) to the response returned.
///
/// # Examples
///
/// ```
/// use socketserver::http::{EntityTag, Http, HttpRequest, Representation, Validators};
/// use socketserver::{Server, Tcp};
/// use std::io::{Read, Write};
///
/// let app = |req: &HttpRequest| {
///     let body = b"0123456789".to_vec();
///     let validators = Validators::new().etag(EntityTag::from_content(&body));
///     Ok(Representation::bytes("text/plain", body)?.validators(validators).respond(req))
/// };
/// let server = Server::builder(Http::new(app)).bind::<Tcp>("127.0.0.1:0")?;
/// let addr = server.local_addr().as_inet().unwrap();
/// let stop = server.shutdown_handle();
/// let serving = std::thread::spawn(move || server.serve_forever());
///
/// let mut client = std::net::TcpStream::connect(addr)?;
/// client.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nRange: bytes=2-4\r\nConnection: close\r\n\r\n")?;
/// let mut answer = String::new();
/// client.read_to_string(&mut answer)?;
/// assert!(answer.starts_with("HTTP/1.1 206 Partial Content\r\n"));
/// assert!(answer.contains("Content-Range: bytes 2-4/10\r\n"));
/// assert!(answer.ends_with("\r\n\r\n234"));
///
/// stop.shutdown();
/// serving.join().unwrap()?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Representation {
    body: Body,
    validators: Validators,
    head: Head,
}

/// What the answers carry besides the body and validators.
#[derive(Debug)]
struct Head {
    /// A checked field value.
    content_type: String,
    coding: Option<ContentCoding>,
    vary: bool,
}

impl Representation {
    /// A body held in memory, of type `content_type`.
    ///
    /// # Errors
    ///
    /// `InvalidInput` when `content_type` holds a control character, as
    /// [`HttpResponse::header`] refuses it.
    pub fn bytes(content_type: &str, body: impl Into<Vec<u8>>) -> io::Result<Representation> {
        Representation::new(content_type, Body::Bytes(body.into()))
    }

    /// The first `len` bytes of `file` (its length, as a rule), sent with
    /// `sendfile(2)` where the connection allows, as
    /// [`HttpResponse::file_body`] is; ranges are read at their offsets.
    ///
    /// # Errors
    ///
    /// As [`bytes`](Self::bytes).
    pub fn file(content_type: &str, file: File, len: u64) -> io::Result<Representation> {
        Representation::new(content_type, Body::File { file, offset: 0, len })
    }

    /// A body of unknown length, read as it is sent (a body generated or
    /// compressed on the fly, as [`HttpResponse::stream`] sends it): its
    /// preconditions are answered, but never a range (`Accept-Ranges:
    /// none`).
    ///
    /// # Errors
    ///
    /// As [`bytes`](Self::bytes).
    pub fn stream(content_type: &str, reader: impl Read + Send + 'static) -> io::Result<Representation> {
        Representation::new(content_type, Body::Stream(Box::new(reader)))
    }

    /// The body's validators. Default: none, so only `*` preconditions
    /// match and `If-Range` never does.
    pub fn validators(mut self, validators: Validators) -> Representation {
        self.validators = validators;
        self
    }

    /// Says the body was chosen by the request's `Accept-Encoding` (with
    /// [`AcceptEncoding::best`](super::AcceptEncoding::best)), and is in
    /// `coding` (`None`: the identity body): adds `Content-Encoding` and
    /// `Vary: Accept-Encoding`. Give each coding its own entity tag.
    pub fn negotiated(mut self, coding: Option<ContentCoding>) -> Representation {
        self.head.coding = coding;
        self.head.vary = true;
        self
    }

    /// The answer to `req`: `304`, `412`, `200`, `206` or `416`, as the
    /// type's documentation says.
    pub fn respond(self, req: &HttpRequest) -> HttpResponse {
        let mut fields: Vec<(&str, String)> = Vec::with_capacity(3);
        fields.extend(self.validators.tag().map(|tag| ("ETag", tag.to_string())));
        fields.extend(self.validators.last_modified_field().map(|date| ("Last-Modified", date)));
        if self.head.vary {
            fields.push(("Vary", "Accept-Encoding".to_string()));
        }
        let answer = match self.validators.precondition(req) {
            Precondition::Proceed => self.answer(req),
            Precondition::NotModified => HttpResponse::new(304),
            Precondition::Failed => HttpResponse::text(412, FAILED),
        };
        fields.into_iter().fold(answer, |answer, (name, value)| answer.typed_header(name, value))
    }

    fn new(content_type: &str, body: Body) -> io::Result<Representation> {
        check_value("Content-Type", content_type)?;
        let head = Head { content_type: content_type.to_string(), coding: None, vary: false };
        Ok(Representation { body, validators: Validators::new(), head })
    }

    /// The body's answer once the preconditions let it through.
    fn answer(self, req: &HttpRequest) -> HttpResponse {
        let Representation { body, validators, head } = self;
        let (source, len) = match body {
            Body::Bytes(bytes) => {
                let len = bytes.len() as u64;
                (Source::Bytes(bytes), len)
            }
            Body::File { file, len, .. } => (Source::File(file), len),
            stream => return head.sent(HttpResponse::new(200).with_body(stream), "none"),
        };
        let ranges = Ranges::of(req, len, &validators);
        match ranges {
            Ranges::Full => head.sent(HttpResponse::new(200).with_body(source.into_body(0, len)), "bytes"),
            Ranges::Single(range) => {
                let part = HttpResponse::new(206).with_body(source.into_body(range.first(), range.len()));
                head.sent(part.typed_header("Content-Range", range.content_range()), "bytes")
            }
            Ranges::Multiple(parts) => head.multipart(source, &parts, &validators),
            Ranges::Unsatisfiable(_) => unsatisfiable(&ranges, len),
        }
    }
}

impl Head {
    /// A `200` or `206` of the body itself: its type, its coding and
    /// whether it can be split.
    fn sent(&self, response: HttpResponse, accept_ranges: &str) -> HttpResponse {
        self.coded(response.typed_header("Content-Type", self.content_type.clone()), accept_ranges)
    }

    fn coded(&self, response: HttpResponse, accept_ranges: &str) -> HttpResponse {
        let response = match self.coding {
            Some(coding) => response.typed_header("Content-Encoding", coding.token().to_string()),
            None => response,
        };
        response.typed_header("Accept-Ranges", accept_ranges.to_string())
    }

    /// A `206` of several parts, its boundary seeded by the entity tag.
    fn multipart(&self, source: Source, parts: &[ByteRange], validators: &Validators) -> HttpResponse {
        let seed = validators.tag().map(ToString::to_string).unwrap_or_default();
        let body = Multipart::new(source, parts, &self.content_type, &seed);
        let (kind, size) = (body.content_type(), body.len());
        self.coded(HttpResponse::new(206).typed_header("Content-Type", kind).sized_body(body, size), "bytes")
    }
}

/// `416`, saying how long the representation is.
fn unsatisfiable(ranges: &Ranges, len: u64) -> HttpResponse {
    let text = format!("416 Range Not Satisfiable: no range asked for lies within the {len} bytes\n");
    let response = HttpResponse::text(416, text).typed_header("Accept-Ranges", "bytes".to_string());
    match ranges.content_range() {
        Some(value) => response.typed_header("Content-Range", value),
        None => response,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{EntityTag, Method};

    #[test]
    fn a_content_type_that_could_split_the_response_is_refused() {
        let err = Representation::bytes("text/plain\r\nSet-Cookie: x=1", "hi").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("Content-Type"), "{err}");
    }

    #[test]
    fn rfc9110_15_4_5_a_304_carries_the_validators_and_vary_but_no_body_fields() {
        let validators = Validators::new().etag(EntityTag::strong("v1").unwrap());
        let req = HttpRequest::fake(Method::Get, "/", &[("If-None-Match", "\"v1\"")]);
        let answer = Representation::bytes("text/plain", "body")
            .unwrap()
            .validators(validators)
            .negotiated(Some(ContentCoding::Gzip))
            .respond(&req);
        assert_eq!(answer.status(), 304);
        assert_eq!(answer.header_value("etag"), Some("\"v1\""));
        assert_eq!(answer.header_value("vary"), Some("Accept-Encoding"));
        assert_eq!(
            (answer.header_value("content-type"), answer.header_value("content-encoding")),
            (None, None)
        );
    }
}
