//! The client side of TLS for `get https://` and `client --tls`: whom to
//! trust (`--cacert`, the system's roots, or nobody checked with
//! `--insecure`) and a blocking TLS stream over TCP.

use crate::error::CliError;
use clap::Args;
use socketserver::tls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use socketserver::tls::rustls::crypto::{
    ring, verify_tls12_signature, verify_tls13_signature, CryptoProvider,
};
use socketserver::tls::rustls::pki_types::pem::PemObject;
use socketserver::tls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use socketserver::tls::rustls::{
    self, ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore, SignatureScheme, StreamOwned,
};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::Arc;

/// A TLS client connection over TCP.
pub type TlsStream = StreamOwned<ClientConnection, TcpStream>;

/// How the client checks the server's certificate.
#[derive(Debug, Args)]
pub struct TrustArgs {
    /// Trust the certificate authorities (or the self-signed certificate)
    /// in this PEM file instead of the system's.
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Do not check the server's certificate at all: for testing only,
    /// since anyone between you and the server can then read and change
    /// everything.
    #[arg(long, conflicts_with = "cacert")]
    pub insecure: bool,
}

impl TrustArgs {
    /// The client configuration these flags ask for, offering `alpn`.
    ///
    /// # Errors
    ///
    /// A usage error naming the `--cacert` file and what is wrong with it;
    /// a runtime error when the system's roots cannot be read.
    pub fn client_config(&self, alpn: &[&[u8]]) -> Result<Arc<ClientConfig>, CliError> {
        let provider = Arc::new(ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|err| CliError::runtime(format!("TLS: {err}")))?;
        let mut config = if self.insecure {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(Unchecked(provider)))
                .with_no_client_auth()
        } else {
            builder.with_root_certificates(self.roots()?).with_no_client_auth()
        };
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        Ok(Arc::new(config))
    }

    fn roots(&self) -> Result<RootCertStore, CliError> {
        let mut roots = RootCertStore::empty();
        let Some(path) = &self.cacert else {
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = roots.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err(CliError::runtime(
                    "no trusted certificate authorities found on this system; give --cacert FILE (or --insecure to test)",
                ));
            }
            return Ok(roots);
        };
        let bad = |why: String| CliError::usage(format!("--cacert {}: {why}", path.display()));
        let pem = std::fs::read(path).map_err(|err| bad(format!("cannot read it: {err}")))?;
        let certs = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| bad(format!("not valid PEM: {err}")))?;
        if certs.is_empty() {
            return Err(bad("holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)".into()));
        }
        for cert in certs {
            roots.add(cert).map_err(|err| bad(format!("a certificate cannot be used: {err}")))?;
        }
        Ok(roots)
    }
}

/// Starts TLS over `tcp` to the server named `host` (the name checked
/// against its certificate, and sent as SNI when it is not an address).
/// The handshake happens with the first read or write.
///
/// # Errors
///
/// A usage error for a host that is no valid server name.
pub fn connect(tcp: TcpStream, host: &str, config: Arc<ClientConfig>) -> Result<TlsStream, CliError> {
    let name = ServerName::try_from(host.to_string())
        .map_err(|err| CliError::usage(format!("`{host}` cannot be checked against a certificate: {err}")))?;
    let conn = ClientConnection::new(config, name).map_err(|err| CliError::runtime(format!("TLS: {err}")))?;
    Ok(StreamOwned::new(conn, tcp))
}

/// `--insecure`: every certificate is taken; signatures are still
/// checked, so the session is at least with whoever holds the key.
#[derive(Debug)]
struct Unchecked(Arc<CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// What to do about an error the TLS client met: a certificate it could
/// not check gets the flags that help; anything else, nothing.
pub fn hint(err: &std::io::Error) -> &'static str {
    if err.to_string().contains("invalid peer certificate") {
        "; give the server's certificate (or its CA) with --cacert FILE, or --insecure to skip the check (testing only)"
    } else {
        ""
    }
}
