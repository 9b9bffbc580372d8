//! The request target's form and the `Host` field, checked before the
//! application sees them (RFC 9112 §3.2, RFC 9110 §4.2 and §7.2).

use super::head::RequestHead;
use super::rejection::Rejection;
use super::Method;

/// Checks the target's form for `method` and every `Host` value.
///
/// - origin-form (`/path?query`) for any method;
/// - asterisk-form (`*`) for `OPTIONS` only;
/// - authority-form (`host:port`) for `CONNECT` only;
/// - absolute-form (`http://host/path`, `https://...`): the scheme must
///   be `http` or `https`, the host non-empty and well formed, with no
///   userinfo (RFC 9110 §4.2.1, §4.2.4).
///
/// A `Host` value must be `host[:port]` with a well-formed host, or empty
/// (RFC 9112 §3.2 allows an empty one for a target without authority).
///
/// # Errors
///
/// A 400 [`Rejection`] saying what was wrong and what is accepted.
pub(super) fn check_target(head: &RequestHead, method: Method) -> Result<(), Rejection> {
    for host in head.values("host") {
        if !host.is_empty() && !is_authority(host) {
            return Err(Rejection::new(
                400,
                format!(
                    "the Host field {:?} is not a valid host[:port] (RFC 9112 §3.2); expected a name, \
                     an IPv4 address or a bracketed IPv6 address, then an optional port",
                    String::from_utf8_lossy(host)
                ),
            ));
        }
    }
    let target = head.target();
    if target.starts_with('/') {
        return Ok(());
    }
    if target == "*" {
        return match method {
            Method::Options => Ok(()),
            _ => Err(Rejection::new(400, format!("the target * is for OPTIONS only, not {method}"))),
        };
    }
    if method == Method::Connect {
        return match is_authority(target.as_bytes()) {
            true => Ok(()),
            false => Err(Rejection::new(400, "a CONNECT target must be host:port (RFC 9112 §3.2.3)")),
        };
    }
    absolute(target).map(|_| ())
}

/// Whether the absolute-form target asks for `https`: `None` for other
/// forms. The reader has already checked the form.
pub(super) fn wants_https(target: &str) -> Option<bool> {
    if target.starts_with('/') || target == "*" {
        return None;
    }
    let (scheme, _) = target.split_once("://")?;
    Some(scheme.eq_ignore_ascii_case("https"))
}

/// Checks an absolute-form target; returns its authority.
fn absolute(target: &str) -> Result<&str, Rejection> {
    let bad = |why: String| {
        Rejection::new(
            400,
            format!(
                "the request target {target:?} {why}; expected /path, or http://host/path (RFC 9112 §3.2)"
            ),
        )
    };
    let Some((scheme, rest)) = target.split_once("://") else {
        return Err(bad("is neither a path starting with / nor an absolute URL".to_string()));
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(bad(format!("has the scheme {scheme:?}; only http and https are served")));
    }
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    if authority.contains('@') {
        return Err(bad("holds userinfo (user@), which RFC 9110 §4.2.4 treats as an error".to_string()));
    }
    if authority.is_empty() || authority.starts_with(':') {
        return Err(bad("has an empty host, which RFC 9110 §4.2.1 says to reject".to_string()));
    }
    if !is_authority(authority.as_bytes()) {
        return Err(bad(format!("has the malformed host {authority:?}")));
    }
    Ok(authority)
}

/// RFC 3986 `host [":" port]` with a non-empty host: a reg-name
/// (unreserved, percent-encoded and sub-delims bytes), an IPv4 address
/// (a reg-name too), or an IP literal in brackets.
fn is_authority(value: &[u8]) -> bool {
    let (host, port) = match value.first() {
        Some(b'[') => match memchr::memchr(b']', value) {
            Some(end) => {
                let literal = &value[1..end];
                let ok = !literal.is_empty()
                    && literal
                        .iter()
                        .all(|&b| b.is_ascii_hexdigit() || matches!(b, b':' | b'.' | b'v' | b'V'));
                if !ok {
                    return false;
                }
                (&value[..=end], &value[end + 1..])
            }
            None => return false,
        },
        _ => match memchr::memchr(b':', value) {
            Some(colon) => (&value[..colon], &value[colon..]),
            None => (value, &value[value.len()..]),
        },
    };
    let port_ok = port.is_empty() || (port[0] == b':' && port[1..].iter().all(u8::is_ascii_digit));
    let host_ok = host.starts_with(b"[") || (!host.is_empty() && host.iter().all(|&b| is_reg_name_byte(b)));
    host_ok && port_ok && port.len() <= 6
}

/// RFC 3986 reg-name bytes: unreserved, `%` of pct-encoded, sub-delims.
fn is_reg_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities() {
        for good in ["x", "example.com", "example.com:8080", "127.0.0.1:80", "[::1]", "[::1]:8000", "a-b_c~d"]
        {
            assert!(is_authority(good.as_bytes()), "{good}");
        }
        for bad in ["bad host", ":80", "x:y", "[::1", "[]", "a/b", "a@b", "x:1234567", "é", "[::1]x"] {
            assert!(!is_authority(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn absolute_targets() {
        assert!(absolute("http://x/").is_ok());
        assert!(absolute("HTTPS://x:443/a?b").is_ok());
        assert!(absolute("http:///").is_err());
        assert!(absolute("http://:80/").is_err());
        assert!(absolute("ftp://x/").is_err());
        assert!(absolute("http://u@x/").is_err());
        assert!(absolute("x").is_err());
        assert_eq!(wants_https("https://x/"), Some(true));
        assert_eq!(wants_https("http://x/"), Some(false));
        assert_eq!(wants_https("/a"), None);
    }
}
