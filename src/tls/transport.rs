//! TLS over TCP (feature `tls`).

use super::{Handshake, TlsConfig, TlsStream};
use crate::protocol::Protocol;
use crate::request::{Accepted, Stream};
use crate::transport::{Tcp, Transport};
use crate::{Address, Connection, ServerConfig};
use std::io;
use std::os::fd::{AsFd, BorrowedFd};

/// A TCP listener whose connections speak TLS (rustls): every stream
/// handler serves over it unchanged.
///
/// Accepting does no TLS: the handshake starts with the connection's
/// first read or write (a protocol's first step, or a raw handler's first
/// read or write) and must finish within
/// [`TlsConfig::handshake_timeout`]. Under the event-driven strategies it
/// runs as non-blocking steps while the connection waits in the poller,
/// so a client that stalls mid-handshake holds no thread; a raw handler's
/// connection is blocking, and its handshake reads wait no later than the
/// deadline. A client that is refused (at capacity) gets no busy reply
/// unless its handshake can finish without waiting.
///
/// Bind it with [`ServerBuilder::bind_tls`](crate::ServerBuilder::bind_tls)
/// (or [`Tls::bind_with`]): [`Transport::bind`] alone has no certificate
/// and refuses.
///
/// # Examples
///
/// ```
/// use socketserver::tls::{rustls, TlsConfig};
/// use socketserver::{IntoAddress, ServerConfig, Tls, Transport};
/// use std::sync::Arc;
///
/// let resolver = Arc::new(rustls::server::ResolvesServerCertUsingSni::new());
/// let addr = "127.0.0.1:0".into_address()?;
/// let tls = Tls::bind_with(&addr, &ServerConfig::default(), TlsConfig::with_resolver(resolver)?)?;
/// assert_ne!(tls.local_addr().as_inet().unwrap().port(), 0);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Tls {
    tcp: Tcp,
    config: TlsConfig,
}

impl Tls {
    /// Binds a TCP listener to `addr` with the socket options of `config`,
    /// serving TLS configured by `tls`.
    ///
    /// # Errors
    ///
    /// As [`Tcp`]'s bind.
    pub fn bind_with(addr: &Address, config: &ServerConfig, tls: TlsConfig) -> io::Result<Tls> {
        Ok(Tls { tcp: Tcp::bind(addr, config)?, config: tls })
    }

    /// A TLS listener over one already bound (socket activation, a
    /// supervisor's), as [`Tcp::from_listener`].
    ///
    /// # Errors
    ///
    /// As [`Tcp::from_listener`].
    pub fn from_listener(
        listener: std::net::TcpListener,
        config: &ServerConfig,
        tls: TlsConfig,
    ) -> io::Result<Tls> {
        Ok(Tls { tcp: Tcp::from_listener(listener, config)?, config: tls })
    }

    /// The TLS configuration.
    pub fn config(&self) -> &TlsConfig {
        &self.config
    }

    /// The TCP connection `accepted` with a TLS session over it (its
    /// handshake not started). On a listener that serves HTTP (it offers
    /// `http/1.1` through ALPN) the session looks for a plain HTTP request
    /// first, which is refused with a plaintext `400`.
    fn session_over(&self, mut accepted: Accepted) -> io::Result<Accepted> {
        let Stream::Tcp(tcp) = accepted.stream else { unreachable!("a TCP listener accepts TCP streams") };
        let session = rustls::ServerConnection::new(self.config.server.clone())
            .map_err(|err| io::Error::other(format!("TLS: {err}")))?;
        let stream = TlsStream::new(tcp, session, self.config.handshake_timeout);
        let serves_http = self.config.server.alpn_protocols.iter().any(|p| p == b"http/1.1");
        let stream = if serves_http { stream.detecting_plain_http() } else { stream };
        accepted.stream = Stream::Tls(Box::new(stream));
        Ok(accepted)
    }
}

impl Transport for Tls {
    type Request = Connection;
    const NAME: &'static str = "tls";

    /// Refuses: a TLS listener needs a certificate, which a
    /// [`ServerConfig`] does not carry.
    fn bind(_addr: &Address, _config: &ServerConfig) -> io::Result<Tls> {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a TLS listener needs a certificate: bind it with ServerBuilder::bind_tls or Tls::bind_with",
        ))
    }

    fn local_addr(&self) -> &Address {
        self.tcp.local_addr()
    }

    fn accept(&self, scratch: &mut [u8]) -> io::Result<Accepted> {
        self.session_over(self.tcp.accept(scratch)?)
    }

    /// As [`Tcp`]'s: the connections handed over get their TLS sessions.
    fn hand_over(&self, queued: &mut dyn FnMut(Accepted)) {
        self.tcp.hand_over(&mut |accepted| match self.session_over(accepted) {
            Ok(accepted) => queued(accepted),
            Err(err) => log::debug!("dropped a connection handed over: {err}"),
        });
    }

    fn is_stream() -> bool {
        true
    }

    /// The handshake runs as steps before the handler's protocol.
    fn wrap_protocol(&self, protocol: Box<dyn Protocol<Connection>>) -> Box<dyn Protocol<Connection>> {
        Box::new(Handshake::new(protocol))
    }
}

impl AsFd for Tls {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.tcp.as_fd()
    }
}
