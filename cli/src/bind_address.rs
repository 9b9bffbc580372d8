//! Where a server binds: `--bind` read for the transport chosen, or the
//! handler's loopback default.

use crate::error::CliError;
use crate::registry::HandlerInfo;
use crate::transport_kind::TransportKind;
use socketserver::Address;
use std::net::{Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

/// The address to bind: `given` if any, else 127.0.0.1 and the handler's
/// port (or, for the unix transports, `socketserver-NAME.sock` in the
/// temporary directory). Never all interfaces unless asked.
pub fn resolve(
    given: Option<&str>,
    transport: TransportKind,
    handler: &HandlerInfo,
) -> Result<Address, CliError> {
    match (given, transport.is_unix()) {
        (None, true) => Ok(Address::Unix(default_socket_file(handler))),
        (None, false) => Ok(Address::Inet(SocketAddr::from((Ipv4Addr::LOCALHOST, handler.port)))),
        (Some(text), true) => socket_file(text, transport),
        (Some(text), false) => host_port(text, transport),
    }
}

fn default_socket_file(handler: &HandlerInfo) -> PathBuf {
    std::env::temp_dir().join(format!("socketserver-{}.sock", handler.name))
}

fn socket_file(text: &str, transport: TransportKind) -> Result<Address, CliError> {
    if text.is_empty() || text.parse::<SocketAddr>().is_ok() || split_port(text).is_some() {
        return Err(CliError::usage(format!(
            "--bind `{text}`: the {transport} transport binds a socket file path (such as /tmp/app.sock), \
             not HOST:PORT; use --transport tcp or udp for that"
        )));
    }
    Ok(Address::Unix(PathBuf::from(text)))
}

fn host_port(text: &str, transport: TransportKind) -> Result<Address, CliError> {
    let bad = |why: &str| {
        CliError::usage(format!(
            "--bind `{text}`: {why}; the {transport} transport takes HOST:PORT such as 127.0.0.1:8084, \
             [::1]:8084 or localhost:0 (port 0 picks a free port), or a bare PORT on 127.0.0.1"
        ))
    };
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(Address::Inet(addr));
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        let port = text.parse::<u16>().map_err(|_| bad("a port is at most 65535"))?;
        return Ok(Address::Inet(SocketAddr::from((Ipv4Addr::LOCALHOST, port))));
    }
    let (host, port) = split_port(text).ok_or_else(|| bad("not a host and port"))?;
    let port = port.parse::<u16>().map_err(|_| bad("a port is at most 65535"))?;
    let mut found =
        (host, port).to_socket_addrs().map_err(|err| bad(&format!("cannot resolve `{host}`: {err}")))?;
    found.next().map(Address::Inet).ok_or_else(|| bad(&format!("`{host}` resolves to no address")))
}

/// `host` and `port` of `host:port` when the port is all digits and the
/// host looks like a host name rather than a path.
fn split_port(text: &str) -> Option<(&str, &str)> {
    let (host, port) = text.rsplit_once(':')?;
    let plausible = !host.is_empty() && !host.contains('/') && !port.is_empty();
    (plausible && port.bytes().all(|b| b.is_ascii_digit())).then_some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry;

    fn bind(given: Option<&str>, transport: TransportKind) -> Result<Address, String> {
        resolve(given, transport, registry::find("address-book").unwrap()).map_err(|err| err.to_string())
    }

    #[test]
    fn defaults_are_loopback_and_the_handlers_port() {
        assert_eq!(bind(None, TransportKind::Tcp).unwrap().to_string(), "127.0.0.1:8084");
        assert_eq!(bind(None, TransportKind::Udp).unwrap().to_string(), "127.0.0.1:8084");
        let path = bind(None, TransportKind::Unix).unwrap();
        assert!(path.as_path().unwrap().ends_with("socketserver-address-book.sock"));
    }

    #[test]
    fn inet_spellings() {
        assert_eq!(bind(Some("0"), TransportKind::Tcp).unwrap().to_string(), "127.0.0.1:0");
        assert_eq!(bind(Some("[::1]:9"), TransportKind::Udp).unwrap().to_string(), "[::1]:9");
        assert!(bind(Some("localhost:0"), TransportKind::Tcp).unwrap().as_inet().unwrap().ip().is_loopback());
        assert!(bind(Some("/tmp/x.sock"), TransportKind::Tcp).unwrap_err().contains("takes HOST:PORT"));
        assert!(bind(Some("host:99999"), TransportKind::Tcp).unwrap_err().contains("at most 65535"));
    }

    #[test]
    fn unix_spellings() {
        assert_eq!(
            bind(Some("./a.sock"), TransportKind::UnixDgram).unwrap(),
            Address::Unix("./a.sock".into())
        );
        assert!(bind(Some("127.0.0.1:80"), TransportKind::Unix).unwrap_err().contains("socket file path"));
        assert!(bind(Some(""), TransportKind::Unix).is_err());
    }
}
