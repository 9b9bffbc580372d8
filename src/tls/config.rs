//! The configuration of a TLS listener.

use rustls::crypto::ring;
use rustls::server::ResolvesServerCert;
use std::io;
use std::sync::Arc;
use std::time::Duration;

/// How long a client has to finish its handshake unless configured.
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// What a [`Tls`](super::Tls) listener needs: the rustls server
/// configuration (certificates, versions, ALPN) and the handshake
/// deadline.
///
/// # Examples
///
/// ```
/// use socketserver::tls::{rustls, TlsConfig};
/// use std::sync::Arc;
/// use std::time::Duration;
///
/// # fn resolver() -> Arc<dyn rustls::server::ResolvesServerCert> {
/// #     Arc::new(rustls::server::ResolvesServerCertUsingSni::new())
/// # }
/// let config = TlsConfig::with_resolver(resolver())?
///     .alpn(&[b"http/1.1"])
///     .handshake_timeout(Duration::from_secs(5));
/// assert_eq!(config.rustls_config().alpn_protocols, vec![b"http/1.1".to_vec()]);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct TlsConfig {
    pub(crate) server: Arc<rustls::ServerConfig>,
    pub(crate) handshake_timeout: Duration,
}

impl TlsConfig {
    /// A listener configured by `server`, used as it is (its versions,
    /// suites, ALPN, client authentication, resumption).
    pub fn new(server: Arc<rustls::ServerConfig>) -> TlsConfig {
        TlsConfig { server, handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT }
    }

    /// A listener that takes its certificate from `resolver` (a
    /// [`ReloadableCert`](super::ReloadableCert), or rustls's
    /// `ResolvesServerCertUsingSni` for one certificate per name), with the
    /// `ring` provider, TLS 1.3 and 1.2 and rustls's default cipher suites,
    /// no client certificates and no ALPN.
    ///
    /// # Errors
    ///
    /// Fails only if the provider supports none of the versions (never
    /// with `ring`).
    pub fn with_resolver(resolver: Arc<dyn ResolvesServerCert>) -> io::Result<TlsConfig> {
        let server = rustls::ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|err| io::Error::new(io::ErrorKind::InvalidInput, format!("TLS: {err}")))?
            .with_no_client_auth()
            .with_cert_resolver(resolver);
        Ok(TlsConfig::new(Arc::new(server)))
    }

    /// The application protocols offered through ALPN, most preferred
    /// first (`b"http/1.1"` for the HTTP layer). A client that offers ALPN
    /// but none of these is refused. Default: none (ALPN not used).
    ///
    /// A listener offering `http/1.1` serves HTTP: a client that sends it
    /// a plain HTTP request (`curl http://` to the TLS port) gets a `400`
    /// in plaintext saying so, as nginx answers, instead of a TLS alert it
    /// cannot read.
    pub fn alpn(mut self, protocols: &[&[u8]]) -> TlsConfig {
        Arc::make_mut(&mut self.server).alpn_protocols = protocols.iter().map(|p| p.to_vec()).collect();
        self
    }

    /// How long a client has, from the first byte the server reads, to
    /// finish its handshake; then it is closed. Default is 10 seconds.
    ///
    /// # Panics
    ///
    /// Panics when `timeout` is zero.
    pub fn handshake_timeout(mut self, timeout: Duration) -> TlsConfig {
        assert!(!timeout.is_zero(), "the TLS handshake timeout must be longer than zero");
        self.handshake_timeout = timeout;
        self
    }

    /// The rustls server configuration.
    pub fn rustls_config(&self) -> &Arc<rustls::ServerConfig> {
        &self.server
    }
}
