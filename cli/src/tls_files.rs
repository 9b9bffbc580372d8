//! `serve --tls-cert FILE --tls-key FILE`: the server's certificate, read
//! and checked before anything starts, and reloadable on SIGHUP.

use crate::error::CliError;
use crate::transport_kind::TransportKind;
use socketserver::tls::{ReloadableCert, TlsConfig, DEFAULT_HANDSHAKE_TIMEOUT};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// TLS for `serve`: the certificate in use and the handshake deadline.
#[derive(Debug)]
pub struct ServerTls {
    /// The certificate and key, reloadable from their files.
    pub cert: Arc<ReloadableCert>,
    /// How long a client has to finish its handshake.
    pub handshake_timeout: Duration,
}

impl ServerTls {
    /// Reads `--tls-cert` and `--tls-key` (or `tls_cert`, `tls_key`) when
    /// given; `None` when neither is.
    ///
    /// # Errors
    ///
    /// A usage error (exit status 2) for one without the other, TLS on a
    /// transport other than tcp, or a certificate or key that cannot be
    /// used: the message names the file and the problem.
    pub fn resolve(
        cert: Option<PathBuf>,
        key: Option<PathBuf>,
        handshake_timeout: Option<Duration>,
        transport: TransportKind,
    ) -> Result<Option<ServerTls>, CliError> {
        let (cert, key) = match (cert, key) {
            (None, None) if handshake_timeout.is_some() => {
                return Err(CliError::usage(
                    "--tls-handshake-timeout applies only with --tls-cert and --tls-key",
                ))
            }
            (None, None) => return Ok(None),
            (Some(cert), Some(key)) => (cert, key),
            (Some(_), None) => {
                return Err(CliError::usage(
                    "--tls-cert (`tls_cert`) needs --tls-key (`tls_key`): the certificate's private key",
                ))
            }
            (None, Some(_)) => {
                return Err(CliError::usage(
                    "--tls-key (`tls_key`) needs --tls-cert (`tls_cert`): the certificate chain",
                ))
            }
        };
        if transport != TransportKind::Tcp {
            return Err(CliError::usage(format!(
                "TLS runs over tcp only, not {transport}; drop --transport {transport} or --tls-cert/--tls-key"
            )));
        }
        if handshake_timeout.is_some_and(|t| t.is_zero()) {
            return Err(CliError::usage("--tls-handshake-timeout must be longer than zero, such as 10s"));
        }
        let loaded =
            ReloadableCert::load(&cert, &key).map_err(|err| CliError::usage(format!("TLS: {err}")))?;
        Ok(Some(ServerTls {
            cert: Arc::new(loaded),
            handshake_timeout: handshake_timeout.unwrap_or(DEFAULT_HANDSHAKE_TIMEOUT),
        }))
    }

    /// The listener's configuration; HTTP servers offer ALPN `http/1.1`.
    ///
    /// # Errors
    ///
    /// A runtime error if rustls refuses its own defaults (it does not).
    pub fn config(&self, http: bool) -> Result<TlsConfig, CliError> {
        let config = TlsConfig::with_resolver(self.cert.clone())
            .map_err(|err| CliError::runtime(format!("TLS: {err}")))?
            .handshake_timeout(self.handshake_timeout);
        Ok(if http { config.alpn(&[b"http/1.1"]) } else { config })
    }
}
