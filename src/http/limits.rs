//! The limits an HTTP connection is held to.

#[cfg(feature = "config")]
use serde::Deserialize;
use std::time::Duration;

/// How much an HTTP client may send, and how slowly.
///
/// Every limit answers with its own status and closes the connection, so a
/// request that broke a limit is never half-read and misparsed as the next
/// one. The defaults suit a public server; raise `max_body_size` for
/// uploads.
///
/// | limit | default | past it |
/// |---|---|---|
/// | `max_request_line` | 8192 bytes | `414 URI Too Long` |
/// | `max_head_size` | 32768 bytes | `431 Request Header Fields Too Large` |
/// | `max_headers` | 100 | `431 Request Header Fields Too Large` |
/// | `max_body_size` | 1048576 bytes (1 MiB) | `413 Content Too Large` |
/// | `header_timeout` | the server's `read_timeout` | `408 Request Timeout` |
///
/// Between requests a keep-alive connection may stay quiet for the
/// server's [`idle_timeout`](crate::ServerConfig::idle_timeout), then it is
/// closed without an answer; inside a request body each read may wait the
/// server's [`read_timeout`](crate::ServerConfig::read_timeout).
///
/// In a TOML file the same keys are read (`header_timeout = "10s"`), and
/// unknown keys are refused.
///
/// # Examples
///
/// ```
/// use socketserver::http::HttpLimits;
/// use std::time::Duration;
///
/// let mut limits = HttpLimits::default();
/// limits.max_body_size = 16 * 1024 * 1024;
/// limits.header_timeout = Some(Duration::from_secs(10));
///
/// # #[cfg(feature = "handlers")] {
/// use socketserver::handlers::Hello;
/// use socketserver::http::Http;
/// let http = Http::new(Hello).limits(limits);
/// # }
/// # #[cfg(not(feature = "handlers"))]
/// # drop(limits);
///
/// # #[cfg(feature = "config")] {
/// let from_toml: HttpLimits = toml::from_str("max_headers = 50").unwrap();
/// assert_eq!(from_toml.max_headers, 50);
/// assert_eq!(from_toml.max_request_line, 8192);
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "config", derive(Deserialize), serde(default, deny_unknown_fields))]
#[non_exhaustive]
pub struct HttpLimits {
    /// Longest request line (`GET /path HTTP/1.1`, without its line end),
    /// in bytes. Default is 8192.
    pub max_request_line: usize,
    /// Largest request head (request line and header fields), in bytes.
    /// Default is 32768.
    pub max_head_size: usize,
    /// Most header fields in one request. Default is 100.
    pub max_headers: usize,
    /// Largest request body, after chunked decoding, in bytes. Default is
    /// 1048576 (1 MiB).
    pub max_body_size: u64,
    /// Time allowed to receive a whole request head once its first byte has
    /// arrived; `None` uses the server's `read_timeout`. Default is `None`.
    #[cfg_attr(
        feature = "config",
        serde(deserialize_with = "crate::config::duration::deserialize_optional")
    )]
    pub header_timeout: Option<Duration>,
}

impl Default for HttpLimits {
    fn default() -> HttpLimits {
        HttpLimits {
            max_request_line: 8 * 1024,
            max_head_size: 32 * 1024,
            max_headers: 100,
            max_body_size: 1024 * 1024,
            header_timeout: None,
        }
    }
}
