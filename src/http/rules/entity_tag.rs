//! Entity tags (RFC 9110 §8.8.3).

use std::collections::hash_map::DefaultHasher;
use std::fmt;
use std::hash::Hasher;
use std::io;

/// An entity tag: the opaque validator of one representation, strong
/// (`"v2"`: the bytes are the same) or weak (`W/"v2"`: equivalent
/// content), sent as `ETag` and compared with `If-Match`,
/// `If-None-Match` and `If-Range`.
///
/// Give each representation its own tag: a gzip-coded body and the
/// plain one are two representations (RFC 9110 §8.8.3.3).
///
/// # Examples
///
/// ```
/// use socketserver::http::EntityTag;
///
/// assert_eq!(EntityTag::strong("v2")?.to_string(), "\"v2\"");
/// assert_eq!(EntityTag::weak("v2")?.to_string(), "W/\"v2\"");
/// assert!(EntityTag::strong("has \"quotes\"").is_err());
///
/// let report = b"total: 42\n";
/// assert_eq!(EntityTag::from_content(report), EntityTag::from_content(b"total: 42\n"));
/// assert_ne!(EntityTag::from_content(report), EntityTag::from_content(b"total: 43\n"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EntityTag {
    weak: bool,
    opaque: String,
}

impl EntityTag {
    /// A strong tag: two representations with this tag have the same
    /// bytes, so a range of one can be joined to a range of the other.
    ///
    /// # Errors
    ///
    /// `InvalidInput` when `opaque` is empty or holds anything but
    /// visible ASCII other than `"` (RFC 9110 `etagc`).
    pub fn strong(opaque: impl Into<String>) -> io::Result<EntityTag> {
        EntityTag::checked(false, opaque.into())
    }

    /// A weak tag: representations with this tag are equivalent for the
    /// application, not byte for byte; it validates caches (`304`) but
    /// never a range or an `If-Match`.
    ///
    /// # Errors
    ///
    /// As [`strong`](Self::strong).
    pub fn weak(opaque: impl Into<String>) -> io::Result<EntityTag> {
        EntityTag::checked(true, opaque.into())
    }

    /// A strong tag derived from the bytes of a body: their length and a
    /// 64-bit hash, so a changed body gets a new tag. The hash is std's
    /// `DefaultHasher`, stable within a build; after an upgrade of Rust
    /// the tags may change, which costs clients one full download.
    pub fn from_content(bytes: &[u8]) -> EntityTag {
        let mut hasher = DefaultHasher::new();
        hasher.write(bytes);
        EntityTag { weak: false, opaque: format!("{:x}-{:016x}", bytes.len(), hasher.finish()) }
    }

    /// Whether the tag is weak (`W/"..."`).
    pub fn is_weak(&self) -> bool {
        self.weak
    }

    /// Strong comparison (RFC 9110 §8.8.3.2) with a tag as sent
    /// (`W/"x"` or `"x"`): neither weak, the same opaque part.
    pub(crate) fn strong_eq(&self, (weak, opaque): (bool, &str)) -> bool {
        !self.weak && !weak && self.opaque == opaque
    }

    /// Weak comparison: the same opaque part, weak or not.
    pub(crate) fn weak_eq(&self, (_, opaque): (bool, &str)) -> bool {
        self.opaque == opaque
    }

    fn checked(weak: bool, opaque: String) -> io::Result<EntityTag> {
        match opaque.chars().find(|&c| !c.is_ascii_graphic() || c == '"') {
            None if !opaque.is_empty() => Ok(EntityTag { weak, opaque }),
            bad => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "the entity tag {opaque:?} is not allowed{}; give one or more visible ASCII \
                     characters other than '\"' (such as v2 or 5f3a-1c)",
                    bad.map_or(String::new(), |c| format!(" (it holds {c:?})"))
                ),
            )),
        }
    }
}

impl fmt::Display for EntityTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let weak = if self.weak { "W/" } else { "" };
        write!(f, "{weak}\"{}\"", self.opaque)
    }
}

/// The entity tags of a list field value (`"a", W/"b"`) as (weak, opaque)
/// pairs. Quoted, so a comma inside a tag does not split it; junk between
/// tags is skipped.
pub(crate) fn entity_tags(list: &str) -> impl Iterator<Item = (bool, &str)> {
    let mut rest = list;
    std::iter::from_fn(move || {
        let start = rest.find('"')?;
        let end = start + 1 + rest[start + 1..].find('"')?;
        let weak = rest[..start].trim_end().ends_with("W/");
        let opaque = &rest[start + 1..end];
        rest = &rest[end + 1..];
        Some((weak, opaque))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_tag_lists() {
        let tags: Vec<(bool, &str)> = entity_tags(r#""a", W/"b",junk "c,d""#).collect();
        assert_eq!(tags, [(false, "a"), (true, "b"), (false, "c,d")]);
        assert_eq!(entity_tags(r#""x"#).count(), 0);
    }

    #[test]
    fn rfc9110_8_8_3_2_strong_and_weak_comparison() {
        let strong = EntityTag::strong("1").unwrap();
        let weak = EntityTag::weak("1").unwrap();
        assert!(strong.strong_eq((false, "1")));
        assert!(!strong.strong_eq((true, "1")));
        assert!(!weak.strong_eq((false, "1")));
        assert!(!strong.strong_eq((false, "2")));
        assert!(weak.weak_eq((false, "1")) && strong.weak_eq((true, "1")));
        assert!(!strong.weak_eq((true, "2")));
    }

    #[test]
    fn only_etagc_characters_make_a_tag() {
        for bad in ["", "a b", "a\"b", "a\nb", "é"] {
            let err = EntityTag::strong(bad).unwrap_err();
            assert!(err.to_string().contains("visible ASCII"), "{err}");
        }
        assert_eq!(EntityTag::strong("5f3a-1c/x").unwrap().to_string(), "\"5f3a-1c/x\"");
    }
}
