//! `Range: bytes=...` requests (RFC 9110 §14), one range or several.

use super::{ByteRange, Validators};
use crate::http::{HttpRequest, Method};

/// Most ranges answered, after overlapping and adjacent ones are merged:
/// a request for more gets the whole representation (`200`), so a flood
/// of tiny ranges costs no more than one response (nginx's `max_ranges`
/// makes the same choice when set).
const MAX_RANGES: usize = 16;
/// Most range specs read from one header before it is ignored whole.
const MAX_SPECS: usize = 256;

/// What a request's `Range` asks of a representation: the whole of it,
/// one range (`206` with `Content-Range`), several (`206`
/// `multipart/byteranges`), or nothing it has (`416`).
///
/// [`of`](Self::of) is the decision for a handler (method, `If-Range`
/// and `Range` together); [`parse`](Self::parse) reads a field value
/// alone. A malformed `Range`, a unit other than `bytes`, or more than
/// 16 ranges after merging get the whole representation, as RFC 9110
/// §14.2 allows; overlapping and adjacent ranges are merged and sorted
/// (§14.3).
///
/// # Examples
///
/// ```
/// use socketserver::http::Ranges;
///
/// let len = 20;
/// assert_eq!(Ranges::parse("bytes=0-4", len).content_range().as_deref(), Some("bytes 0-4/20"));
/// assert!(matches!(Ranges::parse("bytes=0-1,7-12", len), Ranges::Multiple(parts) if parts.len() == 2));
/// assert_eq!(Ranges::parse("bytes=0-3,2-4", len).content_range().as_deref(), Some("bytes 0-4/20"));
/// assert_eq!(Ranges::parse("bytes=30-", len), Ranges::Unsatisfiable(20));
/// assert_eq!(Ranges::parse("bytes=30-", len).content_range().as_deref(), Some("bytes */20"));
/// assert_eq!(Ranges::parse("lines=1-2", len), Ranges::Full);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ranges {
    /// Send the whole representation (`200`).
    Full,
    /// One range: `206` with its [`content_range`](ByteRange::content_range).
    Single(ByteRange),
    /// Two to 16 ranges, ascending, none overlapping or adjacent: `206`
    /// with a `multipart/byteranges` body.
    Multiple(Vec<ByteRange>),
    /// Well-formed, but no range overlaps the representation of this
    /// many bytes: `416` with `Content-Range: bytes */LENGTH`.
    Unsatisfiable(u64),
}

impl Ranges {
    /// What `req` asks of a representation of `len` bytes with these
    /// validators: its `Range` when the method is `GET` or `HEAD` (range
    /// handling is defined for `GET` only, §14.2; `HEAD` answers as `GET`
    /// would) and its `If-Range`, if any, matches (a strong entity tag,
    /// or exactly the `Last-Modified` date, §13.1.5); else
    /// [`Full`](Self::Full).
    pub fn of(req: &HttpRequest, len: u64, validators: &Validators) -> Ranges {
        let ranged = matches!(req.method(), Method::Get | Method::Head);
        match req.header("range") {
            Some(header) if ranged && validators.if_range_allows(req) => Ranges::parse(header, len),
            _ => Ranges::Full,
        }
    }

    /// Reads a `Range` field value against a representation of `len`
    /// bytes, with no regard to the request's method or `If-Range`.
    pub fn parse(header: &str, len: u64) -> Ranges {
        let Some(spec) = bytes_spec(header) else {
            return Ranges::Full;
        };
        let mut parts = Vec::new();
        for (n, item) in spec.split(',').map(str::trim).filter(|item| !item.is_empty()).enumerate() {
            if n == MAX_SPECS {
                return Ranges::Full;
            }
            match one(item, len) {
                Some(Some(part)) => parts.push(part),
                Some(None) => {}
                None => return Ranges::Full,
            }
        }
        let mut parts: Vec<ByteRange> =
            merged(parts).into_iter().map(|(first, last)| ByteRange::new(first, last, len)).collect();
        match parts.len() {
            0 => Ranges::Unsatisfiable(len),
            1 => Ranges::Single(parts.remove(0)),
            n if n > MAX_RANGES => Ranges::Full,
            _ => Ranges::Multiple(parts),
        }
    }

    /// The `Content-Range` field value due: a single range's
    /// (`bytes 0-4/20`) or an unsatisfiable request's (`bytes */20`).
    /// A multipart body carries one in each part instead.
    pub fn content_range(&self) -> Option<String> {
        match self {
            Ranges::Single(range) => Some(range.content_range()),
            Ranges::Unsatisfiable(len) => Some(format!("bytes */{len}")),
            Ranges::Full | Ranges::Multiple(_) => None,
        }
    }
}

/// One range spec: `None` when malformed, `Some(None)` when it lies
/// past the end, else its bounds.
fn one(item: &str, len: u64) -> Option<Option<(u64, u64)>> {
    let (first, last) = item.split_once('-')?;
    let (first, last) = (first.trim(), last.trim());
    match (first.is_empty(), last.is_empty()) {
        (true, true) => None,
        (true, false) => {
            let suffix = number(last)?;
            Some((suffix > 0 && len > 0).then(|| (len.saturating_sub(suffix), len - 1)))
        }
        (false, true) => {
            let first = number(first)?;
            Some((first < len).then(|| (first, len - 1)))
        }
        (false, false) => {
            let (first, last) = (number(first)?, number(last)?);
            if last < first {
                return None;
            }
            Some((first < len).then(|| (first, last.min(len - 1))))
        }
    }
}

/// Sorted, with overlapping and adjacent ranges merged (RFC 9110 §14.3
/// allows it).
fn merged(mut parts: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    parts.sort_unstable();
    let mut out: Vec<(u64, u64)> = Vec::with_capacity(parts.len());
    for (first, last) in parts {
        match out.last_mut() {
            Some(prev) if first <= prev.1.saturating_add(1) => prev.1 = prev.1.max(last),
            _ => out.push((first, last)),
        }
    }
    out
}

/// The part after `bytes=`, the unit matched in any case.
fn bytes_spec(header: &str) -> Option<&str> {
    let (unit, spec) = header.trim().split_once('=')?;
    unit.trim().eq_ignore_ascii_case("bytes").then_some(spec.trim())
}

fn number(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::Ranges::{self, *};
    use super::{ByteRange, MAX_RANGES};
    use crate::http::{EntityTag, HttpRequest, Method, Validators};

    fn parts(list: &[(u64, u64)], len: u64) -> Ranges {
        let mut ranges: Vec<ByteRange> = list.iter().map(|&(a, b)| ByteRange::new(a, b, len)).collect();
        match ranges.len() {
            1 => Single(ranges.remove(0)),
            _ => Multiple(ranges),
        }
    }

    #[test]
    fn rfc9110_14_1_2_single_ranges() {
        assert_eq!(Ranges::parse("bytes=0-4", 10), parts(&[(0, 4)], 10));
        assert_eq!(Ranges::parse("bytes=5-", 10), parts(&[(5, 9)], 10));
        assert_eq!(Ranges::parse("bytes=-3", 10), parts(&[(7, 9)], 10));
        assert_eq!(Ranges::parse("bytes=8-100", 10), parts(&[(8, 9)], 10));
        assert_eq!(Ranges::parse("bytes=-30", 10), parts(&[(0, 9)], 10));
        assert_eq!(Ranges::parse("bytes=10-", 10), Unsatisfiable(10));
        assert_eq!(Ranges::parse("bytes=-0", 10), Unsatisfiable(10));
        assert_eq!(Ranges::parse("bytes=0-", 0), Unsatisfiable(0));
        assert_eq!(Ranges::parse("bytes=4-2", 10), Full);
        assert_eq!(Ranges::parse("bytes=x-2", 10), Full);
        assert_eq!(Ranges::parse("bytes=1-y", 10), Full);
        assert_eq!(Ranges::parse("items=0-1", 10), Full);
        assert_eq!(Ranges::parse("BYTES = 0-1", 10), parts(&[(0, 1)], 10));
    }

    #[test]
    fn rfc9110_14_3_several_ranges_are_sorted_and_merged() {
        assert_eq!(Ranges::parse("bytes=0-1,3-4", 10), parts(&[(0, 1), (3, 4)], 10));
        assert_eq!(Ranges::parse("bytes=6-7, 0-1", 10), parts(&[(0, 1), (6, 7)], 10));
        assert_eq!(Ranges::parse("bytes=0-3,2-5,6-6", 10), parts(&[(0, 6)], 10));
        assert_eq!(Ranges::parse("bytes=0-1,50-60", 10), parts(&[(0, 1)], 10));
        assert_eq!(Ranges::parse("bytes=50-60,70-", 10), Unsatisfiable(10));
        assert_eq!(Ranges::parse("bytes=0-1,,3-4", 10), parts(&[(0, 1), (3, 4)], 10));
        assert_eq!(Ranges::parse("bytes=0-1,junk", 10), Full);
    }

    #[test]
    fn too_many_ranges_get_the_whole_representation() {
        let many: Vec<String> = (0..=MAX_RANGES as u64).map(|i| format!("{}-{}", i * 2, i * 2)).collect();
        assert_eq!(Ranges::parse(&format!("bytes={}", many.join(",")), 1000), Full);
        let overlapping: Vec<String> = (0..100).map(|i| format!("{i}-{}", i + 1)).collect();
        assert_eq!(
            Ranges::parse(&format!("bytes={}", overlapping.join(",")), 1000),
            parts(&[(0, 100)], 1000)
        );
        let flood = vec!["0-0"; 300].join(",");
        assert_eq!(Ranges::parse(&format!("bytes={flood}"), 1000), Full);
    }

    #[test]
    fn rfc9110_14_2_ranges_of_a_request_follow_its_method_and_if_range() {
        let validators = Validators::new().etag(EntityTag::strong("v1").unwrap());
        let of = |method, headers: &[(&str, &str)]| {
            Ranges::of(&HttpRequest::fake(method, "/", headers), 10, &validators)
        };
        assert_eq!(of(Method::Get, &[("Range", "bytes=0-1")]), parts(&[(0, 1)], 10));
        assert_eq!(of(Method::Head, &[("Range", "bytes=0-1")]), parts(&[(0, 1)], 10));
        assert_eq!(of(Method::Post, &[("Range", "bytes=0-1")]), Full);
        assert_eq!(of(Method::Get, &[]), Full);
        assert_eq!(of(Method::Get, &[("Range", "bytes=0-1"), ("If-Range", "\"v1\"")]), parts(&[(0, 1)], 10));
        assert_eq!(of(Method::Get, &[("Range", "bytes=0-1"), ("If-Range", "\"v0\"")]), Full);
    }
}
