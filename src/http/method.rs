//! The request methods the HTTP layer knows.

use std::fmt;

/// An HTTP request method (RFC 9110 §9 plus `PATCH`).
///
/// A request with any other method is answered `501 Not Implemented` by
/// the layer before it reaches the application. Methods are
/// case-sensitive: `get` is not `GET`.
///
/// # Examples
///
/// ```
/// use socketserver::http::Method;
///
/// assert_eq!(Method::from_token("GET"), Some(Method::Get));
/// assert_eq!(Method::from_token("get"), None);
/// assert_eq!(Method::Delete.as_str(), "DELETE");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`: fetch a resource.
    Get,
    /// `HEAD`: `GET` without the body.
    Head,
    /// `POST`: submit data.
    Post,
    /// `PUT`: replace a resource.
    Put,
    /// `DELETE`: remove a resource.
    Delete,
    /// `CONNECT`: open a tunnel.
    Connect,
    /// `OPTIONS`: ask what is supported.
    Options,
    /// `TRACE`: echo the request.
    Trace,
    /// `PATCH`: modify a resource in part.
    Patch,
}

/// Every method, with its spelling.
const ALL: [(Method, &str); 9] = [
    (Method::Get, "GET"),
    (Method::Head, "HEAD"),
    (Method::Post, "POST"),
    (Method::Put, "PUT"),
    (Method::Delete, "DELETE"),
    (Method::Connect, "CONNECT"),
    (Method::Options, "OPTIONS"),
    (Method::Trace, "TRACE"),
    (Method::Patch, "PATCH"),
];

impl Method {
    /// The method named by a request line's token, if it is a known one.
    pub fn from_token(token: &str) -> Option<Method> {
        ALL.iter().find(|(_, name)| *name == token).map(|(method, _)| *method)
    }

    /// The method's name as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        ALL.iter().find(|(method, _)| *method == self).map_or("", |(_, name)| name)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
