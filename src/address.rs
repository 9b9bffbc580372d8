//! The address of a socket: an internet address or a Unix socket path.

use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};

/// Where a socket is bound or connected: an IP address and port, or a Unix
/// socket path.
///
/// Every transport reports its local and peer addresses as an `Address`, so
/// handlers written once serve TCP, UDP and Unix sockets alike.
///
/// # Examples
///
/// ```
/// use socketserver::{Address, IntoAddress};
///
/// let addr = "127.0.0.1:8080".into_address().unwrap();
/// assert_eq!(addr.to_string(), "127.0.0.1:8080");
/// assert!(addr.as_inet().is_some());
///
/// let path = "/tmp/demo.sock".into_address().unwrap();
/// assert_eq!(path, Address::Unix("/tmp/demo.sock".into()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Address {
    /// An IPv4 or IPv6 socket address.
    Inet(SocketAddr),
    /// A Unix socket bound to a path.
    Unix(PathBuf),
    /// A Unix socket with no name (an unbound client socket).
    Unnamed,
}

impl Address {
    /// The internet address, if this is one.
    pub fn as_inet(&self) -> Option<SocketAddr> {
        match self {
            Address::Inet(addr) => Some(*addr),
            _ => None,
        }
    }

    /// The Unix socket path, if this is one.
    pub fn as_path(&self) -> Option<&Path> {
        match self {
            Address::Unix(path) => Some(path),
            _ => None,
        }
    }

    #[cfg(unix)]
    pub(crate) fn from_unix(addr: &std::os::unix::net::SocketAddr) -> Address {
        match addr.as_pathname() {
            Some(path) => Address::Unix(path.to_path_buf()),
            None => Address::Unnamed,
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Inet(addr) => addr.fmt(f),
            Address::Unix(path) => path.display().fmt(f),
            Address::Unnamed => f.write_str("(unnamed)"),
        }
    }
}

impl From<SocketAddr> for Address {
    fn from(addr: SocketAddr) -> Address {
        Address::Inet(addr)
    }
}

impl From<PathBuf> for Address {
    fn from(path: PathBuf) -> Address {
        Address::Unix(path)
    }
}

/// Conversion into an [`Address`], resolving host names where needed.
///
/// Implemented for `&str` and `String` (`HOST:PORT`, `[V6]:PORT`, or a
/// Unix socket path, which must contain a slash: `./app.sock`),
/// `SocketAddr`, `(IpAddr, u16)`, `(&str, u16)`, `&Path` and `PathBuf`.
///
/// A string with neither a port nor a slash is refused rather than
/// guessed at: `"127.0.0.1"` is a forgotten port, not a socket file named
/// `127.0.0.1` in the current directory. For such a path, pass a `&Path`.
///
/// # Examples
///
/// ```
/// use socketserver::{Address, IntoAddress};
/// use std::io::ErrorKind;
///
/// assert!("127.0.0.1:0".into_address()?.as_inet().is_some());
/// assert_eq!("./app.sock".into_address()?, Address::Unix("./app.sock".into()));
/// let forgotten_port = "127.0.0.1".into_address().unwrap_err();
/// assert_eq!(forgotten_port.kind(), ErrorKind::InvalidInput);
/// assert!(forgotten_port.to_string().contains("127.0.0.1:PORT"));
/// # Ok::<(), std::io::Error>(())
/// ```
pub trait IntoAddress {
    /// Converts, resolving a host name to its first address.
    ///
    /// # Errors
    ///
    /// Fails when a `HOST:PORT` string names a host that does not resolve,
    /// and with `InvalidInput` for a string that is neither `HOST:PORT`
    /// nor a path with a slash (a forgotten port, most often).
    fn into_address(self) -> io::Result<Address>;
}

impl IntoAddress for Address {
    fn into_address(self) -> io::Result<Address> {
        Ok(self)
    }
}

impl IntoAddress for &Address {
    fn into_address(self) -> io::Result<Address> {
        Ok(self.clone())
    }
}

impl IntoAddress for SocketAddr {
    fn into_address(self) -> io::Result<Address> {
        Ok(Address::Inet(self))
    }
}

impl IntoAddress for (IpAddr, u16) {
    fn into_address(self) -> io::Result<Address> {
        Ok(Address::Inet(self.into()))
    }
}

impl IntoAddress for (&str, u16) {
    fn into_address(self) -> io::Result<Address> {
        resolve(self)
    }
}

impl IntoAddress for &Path {
    fn into_address(self) -> io::Result<Address> {
        Ok(Address::Unix(self.to_path_buf()))
    }
}

impl IntoAddress for PathBuf {
    fn into_address(self) -> io::Result<Address> {
        Ok(Address::Unix(self))
    }
}

impl IntoAddress for &str {
    fn into_address(self) -> io::Result<Address> {
        if let Ok(addr) = self.parse::<SocketAddr>() {
            return Ok(Address::Inet(addr));
        }
        if looks_like_host_port(self) {
            check_port(self)?;
            return resolve(self);
        }
        if self.contains('/') {
            return Ok(Address::Unix(PathBuf::from(self)));
        }
        Err(io::Error::new(io::ErrorKind::InvalidInput, not_an_address(self)))
    }
}

/// Why `text` (no port, no slash) is not taken as an address: a forgotten
/// port would otherwise become a socket file in the current directory.
fn not_an_address(text: &str) -> String {
    let accepted =
        "HOST:PORT (such as 127.0.0.1:8080 or [::1]:8080; port 0 picks a free one) or a Unix socket \
                    path containing a slash";
    if text.trim_matches(['[', ']']).parse::<IpAddr>().is_ok() || text == "localhost" {
        return format!("`{text}` has no port: write {text}:PORT; accepted: {accepted}");
    }
    format!(
        "`{text}` is not an address; accepted: {accepted} (./{text} for a socket in the current directory)"
    )
}

impl IntoAddress for String {
    fn into_address(self) -> io::Result<Address> {
        self.as_str().into_address()
    }
}

impl IntoAddress for &String {
    fn into_address(self) -> io::Result<Address> {
        self.as_str().into_address()
    }
}

/// `HOST:PORT` where PORT is all digits and HOST has no slash (and no
/// colon unless bracketed, so a bare IPv6 address is not split).
fn looks_like_host_port(text: &str) -> bool {
    match text.rsplit_once(':') {
        Some((host, port)) => {
            !host.is_empty()
                && !host.contains('/')
                && (!host.contains(':') || (host.starts_with('[') && host.ends_with(']')))
                && !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// Refuses `HOST:PORT` text whose port is past 65535, naming the address.
fn check_port(text: &str) -> io::Result<()> {
    let port = text.rsplit_once(':').map_or("", |(_, port)| port);
    match port.parse::<u16>() {
        Ok(_) => Ok(()),
        Err(_) => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{text}`: port {port} is out of range; a port is 0 to 65535"),
        )),
    }
}

fn resolve(target: impl ToSocketAddrs + fmt::Debug) -> io::Result<Address> {
    let described = format!("{target:?}");
    target
        .to_socket_addrs()
        .map_err(|err| io::Error::new(err.kind(), format!("{described}: {err}")))?
        .next()
        .map(Address::Inet)
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("{described} resolved to no address")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_out_of_range_is_refused_naming_the_address() {
        let err = "127.0.0.1:70000".into_address().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(err.to_string(), "`127.0.0.1:70000`: port 70000 is out of range; a port is 0 to 65535");
        let err = "localhost:99999".into_address().unwrap_err();
        assert!(err.to_string().starts_with("`localhost:99999`: port 99999"), "{err}");
    }

    #[test]
    fn strings_become_inet_or_unix() {
        assert!(matches!("[::1]:0".into_address(), Ok(Address::Inet(_))));
        assert!(matches!("localhost:80".into_address(), Ok(Address::Inet(_))));
        assert_eq!("./my.sock".into_address().unwrap(), Address::Unix("./my.sock".into()));
        assert_eq!("/run/a.sock".into_address().unwrap(), Address::Unix("/run/a.sock".into()));
    }

    #[test]
    fn a_forgotten_port_is_refused_not_taken_for_a_path() {
        for text in ["127.0.0.1", "::1", "[::1]", "localhost"] {
            let err = text.into_address().unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{text}");
            assert!(err.to_string().contains("has no port"), "{text}: {err}");
        }
        let err = "app.sock".into_address().unwrap_err();
        assert!(err.to_string().contains("./app.sock"), "{err}");
    }
}
