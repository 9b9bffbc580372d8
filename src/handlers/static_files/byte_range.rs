//! A single `Range: bytes=...` request (RFC 9110 §14).

/// What a `Range` header asks of a representation of `len` bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ByteRange {
    /// No usable single range: send the whole representation (a missing,
    /// malformed or multi-range header; RFC 9110 lets a server ignore it).
    Whole,
    /// Bytes `first..=last`.
    Part { first: u64, last: u64 },
    /// A well-formed range that lies past the end: 416.
    Unsatisfiable,
}

impl ByteRange {
    /// Reads a `Range` header value against a length.
    pub(super) fn parse(header: Option<&str>, len: u64) -> ByteRange {
        let Some(spec) = header.and_then(bytes_spec) else {
            return ByteRange::Whole;
        };
        if spec.contains(',') {
            return ByteRange::Whole;
        }
        let Some((first, last)) = spec.split_once('-') else {
            return ByteRange::Whole;
        };
        let (first, last) = (first.trim(), last.trim());
        let parsed = match (first.is_empty(), last.is_empty()) {
            (true, true) => None,
            (true, false) => number(last).map(|suffix| from_end(suffix, len)),
            (false, true) => number(first).map(|first| from_start(first, None, len)),
            (false, false) => number(first).zip(number(last)).map(|(f, l)| from_start(f, Some(l), len)),
        };
        parsed.unwrap_or(ByteRange::Whole)
    }
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

/// `first-` or `first-last`.
fn from_start(first: u64, last: Option<u64>, len: u64) -> ByteRange {
    match last {
        Some(last) if last < first => ByteRange::Whole,
        _ if first >= len => ByteRange::Unsatisfiable,
        Some(last) => ByteRange::Part { first, last: last.min(len - 1) },
        None => ByteRange::Part { first, last: len - 1 },
    }
}

/// `-suffix`: the last `suffix` bytes.
fn from_end(suffix: u64, len: u64) -> ByteRange {
    if suffix == 0 || len == 0 {
        return ByteRange::Unsatisfiable;
    }
    ByteRange::Part { first: len.saturating_sub(suffix), last: len - 1 }
}

#[cfg(test)]
mod tests {
    use super::ByteRange::{self, *};

    #[test]
    fn single_ranges() {
        assert_eq!(ByteRange::parse(Some("bytes=0-4"), 10), Part { first: 0, last: 4 });
        assert_eq!(ByteRange::parse(Some("bytes=5-"), 10), Part { first: 5, last: 9 });
        assert_eq!(ByteRange::parse(Some("bytes=-3"), 10), Part { first: 7, last: 9 });
        assert_eq!(ByteRange::parse(Some("bytes=8-100"), 10), Part { first: 8, last: 9 });
        assert_eq!(ByteRange::parse(Some("bytes=10-"), 10), Unsatisfiable);
        assert_eq!(ByteRange::parse(Some("bytes=-0"), 10), Unsatisfiable);
        assert_eq!(ByteRange::parse(Some("bytes=0-1,3-4"), 10), Whole);
        assert_eq!(ByteRange::parse(Some("bytes=4-2"), 10), Whole);
        assert_eq!(ByteRange::parse(Some("bytes=x-2"), 10), Whole);
        assert_eq!(ByteRange::parse(Some("bytes=1-y"), 10), Whole);
        assert_eq!(ByteRange::parse(Some("items=0-1"), 10), Whole);
        assert_eq!(ByteRange::parse(None, 10), Whole);
    }
}
