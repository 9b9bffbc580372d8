//! `Cache-Control` values chosen by path prefix or file extension.

use std::io;

/// Which request paths a [`CacheRule`] applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Pattern {
    /// Paths starting with this prefix (`/assets/`).
    Prefix(String),
    /// Paths ending with `.` and this extension, matched in any case.
    Extension(String),
}

/// A `Cache-Control` value for the responses to some paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct CacheRule {
    pattern: Pattern,
    value: String,
}

impl CacheRule {
    /// A rule from `pattern` (`/prefix/...` or `*.ext`) and a value.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a pattern of another shape, or a value with a
    /// control character.
    pub(super) fn new(pattern: &str, value: &str) -> io::Result<CacheRule> {
        let pattern = if let Some(ext) = pattern.strip_prefix("*.") {
            if ext.is_empty() || ext.contains(['/', '*']) {
                return Err(bad(pattern));
            }
            Pattern::Extension(ext.to_ascii_lowercase())
        } else if pattern.starts_with('/') && !pattern.contains('*') {
            Pattern::Prefix(pattern.to_string())
        } else {
            return Err(bad(pattern));
        };
        crate::http::HttpResponse::new(200).header("Cache-Control", value)?;
        Ok(CacheRule { pattern, value: value.to_string() })
    }

    /// The value when this rule covers the (decoded) request path.
    pub(super) fn value_for(&self, path: &str) -> Option<&str> {
        let hit = match &self.pattern {
            Pattern::Prefix(prefix) => path.starts_with(prefix.as_str()),
            Pattern::Extension(ext) => path
                .rsplit_once('.')
                .is_some_and(|(stem, e)| !stem.ends_with('/') && e.eq_ignore_ascii_case(ext)),
        };
        hit.then_some(self.value.as_str())
    }
}

fn bad(pattern: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("the cache pattern {pattern:?} is neither a path prefix (/assets/) nor an extension (*.css)"),
    )
}

#[cfg(test)]
mod tests {
    use super::CacheRule;

    #[test]
    fn prefixes_and_extensions() {
        let css = CacheRule::new("*.css", "max-age=60").unwrap();
        assert_eq!(css.value_for("/a/site.CSS"), Some("max-age=60"));
        assert_eq!(css.value_for("/a/site.js"), None);
        assert_eq!(css.value_for("/.css/"), None);
        let assets = CacheRule::new("/assets/", "immutable").unwrap();
        assert_eq!(assets.value_for("/assets/x.png"), Some("immutable"));
        assert_eq!(assets.value_for("/other/x.png"), None);
        assert!(CacheRule::new("css", "x").is_err());
        assert!(CacheRule::new("*.", "x").is_err());
        assert!(CacheRule::new("*.css", "a\nb").is_err());
    }
}
