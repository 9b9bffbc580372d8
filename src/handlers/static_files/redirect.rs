//! The `Location` of a directory's redirect to its `/` form, built so it
//! can never leave the server.

use percent_encoding::{percent_decode_str, percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Bytes left as they are in a path segment of a `Location`: RFC 3986
/// unreserved characters and a few sub-delims. `/`, `\`, `%`, `:`, `@`,
/// `?`, `#` and every control or non-ASCII byte are percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=');

/// Where a directory reached at the request path `raw` (without its
/// final `/`) is redirected: the same segments, each decoded and encoded
/// again, joined by single slashes, with a `/` at the end and the query.
///
/// Built from the path's segments rather than from the path as sent, so
/// the result always starts with one `/` followed by an encoded segment
/// byte: never `//host` (a network-path reference, the open redirect of
/// CVE-2021-28861), `/\host` (which browsers read the same way), nor a
/// scheme, whatever slashes, backslashes or percent-encodings the request
/// used.
pub(super) fn directory_location(raw: &str, query: Option<&str>) -> String {
    let mut location = String::with_capacity(raw.len() + 2);
    for segment in raw.split('/').filter(|s| !s.is_empty()) {
        let decoded: Vec<u8> = percent_decode_str(segment).collect();
        location.push('/');
        location.extend(percent_encode(&decoded, SEGMENT));
    }
    location.push('/');
    if let Some(query) = query {
        location.push('?');
        location.push_str(query);
    }
    location
}

#[cfg(test)]
mod tests {
    use super::directory_location;
    use proptest::prelude::*;

    /// Whether a browser could take `location` somewhere else: a
    /// network-path reference (two slashes or backslashes, in any mix,
    /// with tabs and newlines dropped as WHATWG URL parsing drops them),
    /// or a scheme before the first slash.
    fn leaves_the_site(location: &str) -> bool {
        let cleaned: String = location.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
        let mut start = cleaned.chars().take(2).map(|c| if c == '\\' { '/' } else { c });
        let network = start.next() == Some('/') && start.next() == Some('/');
        let path = cleaned.split(['?', '#']).next().unwrap_or("");
        let scheme = path.split('/').next().unwrap_or("").contains(':');
        network || scheme || !cleaned.starts_with('/')
    }

    #[test]
    fn spellings_of_an_open_redirect_stay_on_the_site() {
        let table = [
            ("//evil.example", "/evil.example/"),
            ("///evil.example", "/evil.example/"),
            ("/%2F%2Fevil.example", "/%2F%2Fevil.example/"),
            ("/%2f/evil.example", "/%2F/evil.example/"),
            ("/\\evil.example", "/%5Cevil.example/"),
            ("/%5C%5Cevil.example", "/%5C%5Cevil.example/"),
            ("/%09/evil.example", "/%09/evil.example/"),
            ("/http:%2F%2Fevil.example", "/http%3A%2F%2Fevil.example/"),
            ("/javascript:alert(1)", "/javascript%3Aalert(1)/"),
            ("/a//b", "/a/b/"),
            ("/", "/"),
        ];
        for (raw, want) in table {
            let location = directory_location(raw, None);
            assert_eq!(location, want, "for {raw}");
            assert!(!leaves_the_site(&location), "{raw} → {location}");
        }
        assert_eq!(directory_location("//evil.example", Some("a=1")), "/evil.example/?a=1");
    }

    proptest! {
        #[test]
        fn no_path_redirects_off_the_site(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("/"), Just("\\"), Just("%2F"), Just("%2f"), Just("%5C"), Just("%5c"),
                    Just("%09"), Just("%0A"), Just(":"), Just("%3A"), Just("evil.example"),
                    Just("http"), Just("."), Just("%"), Just("%2"), Just("@"), Just("%40"), Just("é"),
                ],
                0..12,
            )
        ) {
            let raw = format!("/{}", parts.concat());
            let location = directory_location(&raw, None);
            prop_assert!(!leaves_the_site(&location), "{} → {}", raw, location);
        }
    }
}
