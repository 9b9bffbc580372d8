//! A consistency check of the request reader, for fuzzing.

use super::body_length::BodyLength;
use super::request_reader::{ReadRequest, RequestReader};
use super::HttpLimits;
use crate::request::{Filled, ReadBuffer, Source};
use std::io;

/// The statuses the reader may refuse a request with.
const REFUSALS: &[u16] = &[400, 413, 414, 417, 431, 501, 505];

/// Reads every request from `stream` with the server's own request reader
/// (the resumable one the connections use: head parsing with its limits,
/// then body framing, `Content-Length` or chunked), twice: once in reads
/// as large as the buffer allows, once in the reads `splits` describes
/// (each byte is the length of the next read, 0 meaning 1), the reader
/// resuming after each. Panics if a read request breaks a limit, if the
/// reader's buffer loses, repeats or invents a byte or grows past its
/// limit, if it refuses with a status it should not use, or if the split
/// changed the requests read. Returns how many requests were read and
/// the status of the refusal that ended the stream, if one did (from the
/// whole reads: a split may show a fault sooner, so the refusal may
/// differ).
///
/// Small limits (a 64-byte request line, a 512-byte head, 8 fields, a
/// 256-byte body) let short inputs reach every refusal.
///
/// Public so fuzz targets (in `fuzz/`) can call it; it is not part of the
/// serving path.
#[doc(hidden)]
pub fn check_request_reader(stream: &[u8], splits: &[u8]) -> (usize, Option<u16>) {
    let (requests, refusal) = read_all(stream, &[]);
    let split = read_all(stream, splits);
    assert_eq!(requests, split.0, "the split changed the requests read");
    (requests.len(), refusal)
}

/// One request as read: method, target, minor version, fields, body.
type Read = (String, String, u8, Vec<(String, Vec<u8>)>, Vec<u8>);

/// The small limits of [`check_request_reader`].
fn limits() -> HttpLimits {
    HttpLimits {
        max_request_line: 64,
        max_head_size: 512,
        max_headers: 8,
        max_body_size: 256,
        header_timeout: None,
    }
}

/// Every request in `stream`, and the refusal that ended it, if any.
fn read_all(stream: &[u8], splits: &[u8]) -> (Vec<Read>, Option<u16>) {
    let limits = limits();
    let mut input = ReadBuffer::new(limits.max_head_size);
    let mut source = Slice { data: stream, at: 0, splits, next: 0 };
    let mut reader = RequestReader::default();
    let mut requests = Vec::new();
    loop {
        let outcome = reader.advance(&mut input, &limits);
        assert_eq!(
            input.pending(),
            &stream[source.at - input.pending().len()..source.at],
            "buffer out of step"
        );
        assert!(input.capacity() <= limits.max_head_size.max(8 * 1024) + 1, "buffer past its limit");
        match outcome {
            Ok(Some(request)) => requests.push(checked(request, &limits)),
            Ok(None) => match input.fill_now(&mut source) {
                Ok(Some(Filled::Data)) => {}
                Ok(_) => return (requests, None),
                Err(err) => panic!("reading a byte slice failed: {err}"),
            },
            Err(refusal) => {
                assert!(REFUSALS.contains(&refusal.status), "refused with {}", refusal.status);
                return (requests, Some(refusal.status));
            }
        }
    }
}

/// Checks a request read against the limits.
fn checked(request: ReadRequest, limits: &HttpLimits) -> Read {
    let ReadRequest { head, body, head_len, .. } = request;
    assert!(head_len <= limits.max_head_size, "a {head_len}-byte head read");
    assert!(head.header_count() <= limits.max_headers, "{} fields read", head.header_count());
    assert!(
        head.method().len() + head.target().len() + 10 <= limits.max_request_line,
        "request line too long"
    );
    match BodyLength::of(&head).expect("a request read has a valid body length") {
        BodyLength::Empty => assert!(body.is_empty()),
        BodyLength::Fixed(len) => assert_eq!(body.len() as u64, len, "a Content-Length body of another size"),
        BodyLength::Chunked => {
            assert!(body.len() as u64 <= limits.max_body_size, "a chunked body past the limit")
        }
    }
    let headers = head.headers().map(|(name, value)| (name.to_string(), value.to_vec())).collect();
    (head.method().to_string(), head.target().to_string(), head.minor, headers, body)
}

/// A byte slice read in chunks: the sizes in `splits`, cycled, or as
/// much as asked for when `splits` is empty.
struct Slice<'a> {
    data: &'a [u8],
    at: usize,
    splits: &'a [u8],
    next: usize,
}

impl Source for Slice<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = buf.len().min(self.data.len() - self.at);
        if let Some(&size) = self.splits.get(self.next % self.splits.len().max(1)) {
            n = n.min(usize::from(size.max(1)));
            self.next += 1;
        }
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}
