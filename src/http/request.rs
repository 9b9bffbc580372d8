//! The request an application answers.

use super::head::RequestHead;
use super::{Method, Version};
use crate::Address;

/// One parsed HTTP request, its body already read (and de-chunked).
///
/// The layer has checked everything framing depends on before the
/// application sees it: the method is known, the version is 1.0 or 1.1,
/// `Content-Length` is unambiguous, the body is within
/// [`max_body_size`](super::HttpLimits::max_body_size).
#[derive(Debug)]
pub struct HttpRequest {
    method: Method,
    /// The target and header fields, as read (one buffer).
    head: RequestHead,
    version: Version,
    body: Vec<u8>,
    peer: Address,
}

impl HttpRequest {
    pub(super) fn new(head: RequestHead, method: Method, body: Vec<u8>, peer: Address) -> HttpRequest {
        HttpRequest { method, version: Version::from_minor(head.minor), head, body, peer }
    }

    /// The method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The request target as sent: `/a%20b?x=1`, or an absolute URL.
    pub fn target(&self) -> &str {
        self.head.target()
    }

    /// The path of the target, still percent-encoded, without the query:
    /// `/a%20b` for `/a%20b?x=1`, and `/a` for `http://host/a`.
    pub fn path(&self) -> &str {
        let path = self.target().split('?').next().unwrap_or("");
        // Only the absolute form (`http://host/path`) has a scheme; the
        // origin form, nearly every request, is looked at no further.
        if path.starts_with('/') {
            return path;
        }
        match path.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("/", |slash| &rest[slash..]),
            None => path,
        }
    }

    /// The query string after `?`, if there is one.
    pub fn query(&self) -> Option<&str> {
        self.target().split_once('?').map(|(_, query)| query)
    }

    /// The protocol version.
    pub fn version(&self) -> Version {
        self.version
    }

    /// Every header field in order, names as sent.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.head.headers()
    }

    /// The first value of a header field, the name matched in any case;
    /// `None` when absent or not UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        std::str::from_utf8(self.head.value(name)?).ok()
    }

    /// The body: empty when the request had none.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The client's address.
    pub fn peer_addr(&self) -> &Address {
        &self.peer
    }
}

#[cfg(test)]
impl HttpRequest {
    /// A request as the layer would hand it over, parsed from its head,
    /// for unit tests.
    pub(crate) fn fake(method: Method, target: &str, headers: &[(&str, &str)]) -> HttpRequest {
        let mut raw = format!("{method} {target} HTTP/1.1\r\n");
        for (name, value) in headers {
            raw.push_str(&format!("{name}: {value}\r\n"));
        }
        raw.push_str("\r\n");
        let parsed = super::head::parse_head(raw.as_bytes(), &super::HttpLimits::default());
        let (head, _) = parsed.expect("a valid head").expect("a whole head");
        HttpRequest::new(head, method, Vec::new(), Address::Unnamed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_target_and_fields_as_text() {
        let req = HttpRequest::fake(Method::Get, "/a?b=1", &[("Host", "example.com"), ("X-Id", "7")]);
        let shown = format!("{req:?}");
        assert!(shown.contains(r#"target: "/a?b=1""#), "{shown}");
        assert!(shown.contains(r#"("Host", "example.com")"#), "{shown}");
        assert!(shown.contains(r#"("X-Id", "7")"#), "{shown}");
    }

    #[test]
    fn fields_are_found_in_any_case_and_in_order() {
        let req = HttpRequest::fake(Method::Get, "http://h/p?q", &[("A", "1"), ("a", "2"), ("B", "x")]);
        assert_eq!(req.header("a"), Some("1"));
        assert_eq!(req.header("b"), Some("x"));
        assert_eq!(req.header("c"), None);
        let names: Vec<&str> = req.headers().map(|(name, _)| name).collect();
        assert_eq!(names, ["A", "a", "B"]);
        assert_eq!((req.path(), req.query()), ("/p", Some("q")));
    }
}
