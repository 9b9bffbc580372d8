//! Validators and conditional requests (RFC 9110 §8.8, §13).

use crate::http::{HttpRequest, Method};
use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::time::SystemTime;

/// What the preconditions of a request decide (RFC 9110 §13.2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Answer the request as if it had no preconditions.
    Proceed,
    /// `304 Not Modified`: the client's copy is current.
    NotModified,
    /// `412 Precondition Failed`.
    Failed,
}

/// A strong entity tag for a file: its size, modification time (to the
/// nanosecond) and inode, in hex, so any change of content that touches
/// one of them changes the tag; a precompressed variant adds its coding,
/// so each representation has its own tag.
pub(super) fn etag(meta: &Metadata, coding: Option<&str>) -> String {
    let nanos = meta.modified().ok().and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok());
    let nanos = nanos.map_or(0, |d| d.as_nanos());
    match coding {
        Some(coding) => format!("\"{:x}-{nanos:x}-{:x}-{coding}\"", meta.len(), meta.ino()),
        None => format!("\"{:x}-{nanos:x}-{:x}\"", meta.len(), meta.ino()),
    }
}

/// Evaluates `If-Match`, `If-Unmodified-Since`, `If-None-Match` and
/// `If-Modified-Since` in the order of RFC 9110 §13.2.2: `If-Match`
/// (strong comparison) before `If-Unmodified-Since`, which is ignored
/// when `If-Match` is present; `If-None-Match` (weak comparison) before
/// `If-Modified-Since`, which is ignored when `If-None-Match` is present.
/// A matching `If-None-Match` is `304` for `GET` and `HEAD`, `412`
/// otherwise. Unparsable dates are ignored, as §13.1.3 and §13.1.4 ask.
pub(super) fn evaluate(req: &HttpRequest, etag: &str, modified: Option<SystemTime>) -> Verdict {
    let safe = matches!(req.method(), Method::Get | Method::Head);
    if let Some(list) = field(req, "if-match") {
        if !matches_any(&list, etag, strong) {
            return Verdict::Failed;
        }
    } else if let (Some(since), Some(modified)) = (date(req, "if-unmodified-since"), modified) {
        if httpdate::HttpDate::from(modified) > since {
            return Verdict::Failed;
        }
    }
    if let Some(list) = field(req, "if-none-match") {
        if matches_any(&list, etag, weak) {
            return if safe { Verdict::NotModified } else { Verdict::Failed };
        }
    } else if let (true, Some(since), Some(modified)) = (safe, date(req, "if-modified-since"), modified) {
        if httpdate::HttpDate::from(modified) <= since {
            return Verdict::NotModified;
        }
    }
    Verdict::Proceed
}

/// Whether a `Range` may be honoured under `If-Range` (RFC 9110 §13.1.5):
/// yes without one; with an entity tag, when it matches strongly; with a
/// date, when it is exactly the `Last-Modified` sent.
pub(super) fn if_range_allows(req: &HttpRequest, etag: &str, last_modified: Option<&str>) -> bool {
    let Some(value) = req.header("if-range").map(str::trim) else {
        return true;
    };
    if value.starts_with('"') || value.starts_with("W/") {
        return strong(value, etag);
    }
    Some(value) == last_modified
}

/// Every value of a list field joined, or `None` when absent.
fn field(req: &HttpRequest, name: &str) -> Option<String> {
    let values: Vec<&[u8]> =
        req.headers().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v).collect();
    (!values.is_empty())
        .then(|| values.iter().map(|v| String::from_utf8_lossy(v)).collect::<Vec<_>>().join(","))
}

fn date(req: &HttpRequest, name: &str) -> Option<httpdate::HttpDate> {
    req.header(name).and_then(|value| value.trim().parse().ok())
}

/// Whether the list (`*` or entity tags) matches `etag` by `compare`.
fn matches_any(list: &str, etag: &str, compare: fn(&str, &str) -> bool) -> bool {
    if list.trim() == "*" {
        return true;
    }
    entity_tags(list).any(|tag| compare(tag, etag))
}

/// The entity tags of a list, `W/` kept: `"a", W/"b"`. Quoted, so a
/// comma inside a tag does not split it; junk between tags is skipped.
fn entity_tags(list: &str) -> impl Iterator<Item = &str> {
    let mut rest = list;
    std::iter::from_fn(move || {
        let start = rest.find('"')?;
        let end = start + 1 + rest[start + 1..].find('"')?;
        let weak = rest[..start].trim_end().ends_with("W/");
        let from = if weak { rest[..start].rfind("W/").unwrap_or(start) } else { start };
        let tag = &rest[from..=end];
        rest = &rest[end + 1..];
        Some(tag)
    })
}

/// Strong comparison: neither weak, and the same opaque tag.
fn strong(a: &str, b: &str) -> bool {
    !a.starts_with("W/") && !b.starts_with("W/") && a == b
}

/// Weak comparison: the same opaque tag, `W/` or not.
fn weak(a: &str, b: &str) -> bool {
    a.trim_start_matches("W/") == b.trim_start_matches("W/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_tag_lists() {
        let tags: Vec<&str> = entity_tags(r#""a", W/"b",junk "c,d""#).collect();
        assert_eq!(tags, [r#""a""#, r#"W/"b""#, r#""c,d""#]);
        assert!(matches_any(r#"W/"x", "y""#, r#""x""#, weak));
        assert!(!matches_any(r#"W/"x""#, r#""x""#, strong));
        assert!(matches_any(" * ", r#""x""#, strong));
        assert!(!matches_any(r#""x"#, r#""x""#, weak));
    }
}
