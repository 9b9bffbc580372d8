//! Creating listening sockets through `socket2` with the configured options.

use crate::{Address, ServerConfig};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::io;
use std::net::SocketAddr;

/// The internet address of `addr`, or an error naming what `transport`
/// accepts instead.
pub(crate) fn inet(addr: &Address, transport: &str) -> io::Result<SocketAddr> {
    addr.as_inet().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{transport} binds to HOST:PORT (such as 127.0.0.1:8080), not `{addr}`"),
        )
    })
}

/// Adds what was being done to an error, keeping its kind.
pub(crate) fn context(err: io::Error, what: impl std::fmt::Display) -> io::Error {
    io::Error::new(err.kind(), format!("{what}: {err}"))
}

/// A socket of `domain`/`ty` with the config's reuse options, bound to
/// `addr`, non-blocking.
///
/// `SO_REUSEADDR` is set on stream sockets only. On a datagram socket,
/// Linux lets a second socket with the option bind the same port and take
/// a share of its datagrams, so any local process could steal a UDP
/// service's traffic; a second UDP server fails with `AddrInUse` instead.
/// (`SO_REUSEPORT` stays an explicit opt-in for every transport.)
pub(crate) fn bound_socket(
    domain: Domain,
    ty: Type,
    protocol: Option<Protocol>,
    addr: &SockAddr,
    config: &ServerConfig,
) -> io::Result<Socket> {
    let socket = Socket::new(domain, ty, protocol)?;
    if domain != Domain::UNIX {
        if ty == Type::STREAM {
            socket.set_reuse_address(config.reuse_address)?;
        }
        #[cfg(all(unix, not(any(target_os = "solaris", target_os = "illumos"))))]
        if config.reuse_port {
            socket.set_reuse_port(true)?;
        }
    }
    if domain == Domain::IPV6 {
        socket.set_only_v6(config.ipv6_only)?;
    }
    socket.bind(addr)?;
    socket.set_nonblocking(true)?;
    Ok(socket)
}
