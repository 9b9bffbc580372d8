//! The http:// URLs `get` accepts.

use super::error::CliError;

/// Where an http:// URL points.
#[derive(Debug, PartialEq, Eq)]
pub struct HttpUrl {
    /// The host as written (an IPv6 address keeps its brackets).
    pub host: String,
    /// The port (80 unless given).
    pub port: u16,
    /// The path and query, at least `/`.
    pub target: String,
}

impl HttpUrl {
    /// Parses `url`.
    ///
    /// # Errors
    ///
    /// A usage error for https (not supported) or anything not an
    /// http:// URL.
    pub fn parse(url: &str) -> Result<HttpUrl, CliError> {
        let bad = |why: &str| {
            CliError::usage(format!("`{url}`: {why}; give an http:// URL such as http://127.0.0.1:8080/"))
        };
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("https://") {
            return Err(CliError::usage(format!(
                "`{url}`: https is not supported: `get` speaks plain HTTP/1.1 over a TCP socket, with no TLS; \
                 use an http:// URL"
            )));
        }
        if !lower.starts_with("http://") {
            return Err(bad("not an http:// URL"));
        }
        let rest = &url["http://".len()..];
        let split = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, target) = rest.split_at(split);
        let (host, port) = split_authority(authority).ok_or_else(|| bad("no valid host[:port]"))?;
        let target = match target {
            "" => "/".to_string(),
            t if t.starts_with('?') => format!("/{t}"),
            t => t.to_string(),
        };
        Ok(HttpUrl { host: host.to_string(), port, target })
    }

    /// The `Host` header's value.
    pub fn host_header(&self) -> String {
        match self.port {
            80 => self.host.clone(),
            port => format!("{}:{port}", self.host),
        }
    }

    /// The host without IPv6 brackets, for connecting.
    pub fn connect_host(&self) -> &str {
        self.host.trim_start_matches('[').trim_end_matches(']')
    }
}

fn split_authority(authority: &str) -> Option<(&str, u16)> {
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let (host, port) = match authority.rfind(':') {
        Some(colon) if !authority[colon..].contains(']') => {
            (&authority[..colon], authority[colon + 1..].parse().ok()?)
        }
        _ => (authority, 80),
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
        assert!(HttpUrl::parse("https://example.com/")
            .unwrap_err()
            .to_string()
            .contains("https is not supported"));
        assert!(HttpUrl::parse("ftp://example.com/").is_err());
        assert!(HttpUrl::parse("http://host:99999/").is_err());
    }
}
