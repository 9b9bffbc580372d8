//! The http:// and https:// URLs `get` accepts.

use crate::error::CliError;

/// Where an http:// or https:// URL points.
#[derive(Debug, PartialEq, Eq)]
pub struct HttpUrl {
    /// Whether it is https (TLS).
    pub tls: bool,
    /// The host as written (an IPv6 address keeps its brackets).
    pub host: String,
    /// The port (80 for http, 443 for https, unless given).
    pub port: u16,
    /// The path and query, at least `/`.
    pub target: String,
}

impl HttpUrl {
    /// Parses `url`.
    ///
    /// # Errors
    ///
    /// A usage error for anything not an http:// or https:// URL.
    pub fn parse(url: &str) -> Result<HttpUrl, CliError> {
        let bad = |why: &str| {
            CliError::usage(format!(
                "`{url}`: {why}; give an http:// or https:// URL such as http://127.0.0.1:8080/"
            ))
        };
        let lower = url.to_ascii_lowercase();
        let (tls, scheme) = if lower.starts_with("https://") {
            (true, "https://")
        } else if lower.starts_with("http://") {
            (false, "http://")
        } else {
            return Err(bad("not an http:// or https:// URL"));
        };
        let rest = &url[scheme.len()..];
        let split = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, target) = rest.split_at(split);
        let default_port = if tls { 443 } else { 80 };
        let (host, port) =
            split_authority(authority, default_port).ok_or_else(|| bad("no valid host[:port]"))?;
        let target = match target {
            "" => "/".to_string(),
            t if t.starts_with('?') => format!("/{t}"),
            t => t.to_string(),
        };
        Ok(HttpUrl { tls, host: host.to_string(), port, target })
    }

    /// The URL again, for messages.
    pub fn display(&self) -> String {
        format!("{}://{}{}", if self.tls { "https" } else { "http" }, self.host_header(), self.target)
    }

    /// The `Host` header's value.
    pub fn host_header(&self) -> String {
        match (self.tls, self.port) {
            (false, 80) | (true, 443) => self.host.clone(),
            (_, port) => format!("{}:{port}", self.host),
        }
    }

    /// The host without IPv6 brackets, for connecting.
    pub fn connect_host(&self) -> &str {
        self.host.trim_start_matches('[').trim_end_matches(']')
    }
}

fn split_authority(authority: &str, default_port: u16) -> Option<(&str, u16)> {
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let (host, port) = match authority.rfind(':') {
        Some(colon) if !authority[colon..].contains(']') => {
            (&authority[..colon], authority[colon + 1..].parse().ok()?)
        }
        _ => (authority, default_port),
    };
    (!host.is_empty()).then_some((host, port))
}

#[cfg(test)]
mod tests {
    use super::HttpUrl;

    #[test]
    fn parses_hosts_ports_and_targets() {
        let url = HttpUrl::parse("http://example.com").unwrap();
        assert_eq!((url.host.as_str(), url.port, url.target.as_str()), ("example.com", 80, "/"));
        let url = HttpUrl::parse("http://[::1]:8080/a?b=c").unwrap();
        assert_eq!((url.connect_host(), url.port, url.target.as_str()), ("::1", 8080, "/a?b=c"));
        assert_eq!(url.host_header(), "[::1]:8080");
        let url = HttpUrl::parse("https://example.com/x").unwrap();
        assert_eq!((url.tls, url.port, url.host_header()), (true, 443, "example.com".to_string()));
        assert_eq!(HttpUrl::parse("https://localhost:8443").unwrap().display(), "https://localhost:8443/");
        assert!(HttpUrl::parse("ftp://example.com/").is_err());
        assert!(HttpUrl::parse("http://host:99999/").is_err());
    }
}
