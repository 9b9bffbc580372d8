//! `Range: bytes=...` requests (RFC 9110 §14), one range or several.

/// Most ranges answered, after overlapping and adjacent ones are merged:
/// a request for more gets the whole file (`200`), so a flood of tiny
/// ranges costs no more than one response (nginx's `max_ranges` makes the
/// same choice when set).
pub(super) const MAX_RANGES: usize = 16;
/// Most range specs read from one header before it is ignored whole.
const MAX_SPECS: usize = 256;

/// What a `Range` header asks of a representation of `len` bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Ranges {
    /// Send the whole representation: no `Range`, a malformed one
    /// (RFC 9110 §14.2 lets a server ignore it), or more than
    /// [`MAX_RANGES`] after merging.
    Whole,
    /// Bytes `first..=last` of each part, in ascending order, none
    /// overlapping or adjacent: one part is a plain `206`, several a
    /// `multipart/byteranges` one.
    Parts(Vec<(u64, u64)>),
    /// Well-formed, but no range overlaps the representation: 416.
    Unsatisfiable,
}

impl Ranges {
    /// Reads a `Range` header value against a length.
    pub(super) fn parse(header: Option<&str>, len: u64) -> Ranges {
        let Some(spec) = header.and_then(bytes_spec) else {
            return Ranges::Whole;
        };
        let mut parts = Vec::new();
        for (n, item) in spec.split(',').map(str::trim).filter(|item| !item.is_empty()).enumerate() {
            if n == MAX_SPECS {
                return Ranges::Whole;
            }
            match one(item, len) {
                Some(Some(part)) => parts.push(part),
                Some(None) => {}
                None => return Ranges::Whole,
            }
        }
        if parts.is_empty() {
            return Ranges::Unsatisfiable;
        }
        let parts = merged(parts);
        if parts.len() > MAX_RANGES {
            return Ranges::Whole;
        }
        Ranges::Parts(parts)
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
    use super::MAX_RANGES;

    fn parts(list: &[(u64, u64)]) -> Ranges {
        Parts(list.to_vec())
    }

    #[test]
    fn single_ranges() {
        assert_eq!(Ranges::parse(Some("bytes=0-4"), 10), parts(&[(0, 4)]));
        assert_eq!(Ranges::parse(Some("bytes=5-"), 10), parts(&[(5, 9)]));
        assert_eq!(Ranges::parse(Some("bytes=-3"), 10), parts(&[(7, 9)]));
        assert_eq!(Ranges::parse(Some("bytes=8-100"), 10), parts(&[(8, 9)]));
        assert_eq!(Ranges::parse(Some("bytes=10-"), 10), Unsatisfiable);
        assert_eq!(Ranges::parse(Some("bytes=-0"), 10), Unsatisfiable);
        assert_eq!(Ranges::parse(Some("bytes=4-2"), 10), Whole);
        assert_eq!(Ranges::parse(Some("bytes=x-2"), 10), Whole);
        assert_eq!(Ranges::parse(Some("bytes=1-y"), 10), Whole);
        assert_eq!(Ranges::parse(Some("items=0-1"), 10), Whole);
        assert_eq!(Ranges::parse(None, 10), Whole);
    }

    #[test]
    fn several_ranges_are_sorted_and_merged() {
        assert_eq!(Ranges::parse(Some("bytes=0-1,3-4"), 10), parts(&[(0, 1), (3, 4)]));
        assert_eq!(Ranges::parse(Some("bytes=6-7, 0-1"), 10), parts(&[(0, 1), (6, 7)]));
        assert_eq!(Ranges::parse(Some("bytes=0-3,2-5,6-6"), 10), parts(&[(0, 6)]));
        assert_eq!(Ranges::parse(Some("bytes=0-1,50-60"), 10), parts(&[(0, 1)]));
        assert_eq!(Ranges::parse(Some("bytes=50-60,70-"), 10), Unsatisfiable);
        assert_eq!(Ranges::parse(Some("bytes=0-1,,3-4"), 10), parts(&[(0, 1), (3, 4)]));
        assert_eq!(Ranges::parse(Some("bytes=0-1,junk"), 10), Whole);
    }

    #[test]
    fn too_many_ranges_get_the_whole_file() {
        let many: Vec<String> = (0..=MAX_RANGES as u64).map(|i| format!("{}-{}", i * 2, i * 2)).collect();
        assert_eq!(Ranges::parse(Some(&format!("bytes={}", many.join(","))), 1000), Whole);
        let overlapping: Vec<String> = (0..100).map(|i| format!("{i}-{}", i + 1)).collect();
        assert_eq!(
            Ranges::parse(Some(&format!("bytes={}", overlapping.join(","))), 1000),
            parts(&[(0, 100)])
        );
        let flood = vec!["0-0"; 300].join(",");
        assert_eq!(Ranges::parse(Some(&format!("bytes={flood}")), 1000), Whole);
    }
}
