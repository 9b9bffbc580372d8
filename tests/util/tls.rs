//! TLS for the tests: certificates made at test time (rcgen) and a
//! rustls client that trusts them.

use super::{TempDir, PATIENCE};
use socketserver::tls::rustls::{
    self, pki_types::CertificateDer, ClientConfig, ClientConnection, StreamOwned,
};
use socketserver::tls::{ReloadableCert, TlsConfig};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;

/// A self-signed certificate for `localhost` and `127.0.0.1`, in PEM files
/// of a directory of its own.
pub struct TestCert {
    pub dir: TempDir,
    pub cert: PathBuf,
    pub key: PathBuf,
    pub der: CertificateDer<'static>,
}

impl TestCert {
    /// A certificate valid from yesterday for a year.
    pub fn new(tag: &str) -> TestCert {
        let params = rcgen::CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
        TestCert::from_params(tag, params)
    }

    /// A certificate made from `params` (its names, its dates), self-signed.
    pub fn from_params(tag: &str, params: rcgen::CertificateParams) -> TestCert {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let dir = TempDir::new(tag);
        let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
        std::fs::write(&cert_path, cert.pem()).unwrap();
        std::fs::write(&key_path, key.serialize_pem()).unwrap();
        TestCert { dir, cert: cert_path, key: key_path, der: cert.der().clone() }
    }

    /// The server's TLS configuration for this certificate.
    pub fn server_config(&self) -> TlsConfig {
        let cert = ReloadableCert::load(&self.cert, &self.key).expect("the test certificate loads");
        TlsConfig::with_resolver(Arc::new(cert)).unwrap()
    }

    /// A client configuration that trusts this certificate only.
    pub fn client_config(&self, alpn: &[&[u8]]) -> Arc<ClientConfig> {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(self.der.clone()).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        Arc::new(config)
    }
}

/// A TLS client connection (blocking, reads time out after [`PATIENCE`]);
/// the handshake happens with the first read or write.
pub fn connect(
    addr: SocketAddr,
    config: Arc<ClientConfig>,
    name: &str,
) -> StreamOwned<ClientConnection, TcpStream> {
    let tcp = TcpStream::connect(addr).expect("cannot connect");
    tcp.set_read_timeout(Some(PATIENCE)).unwrap();
    let name = rustls::pki_types::ServerName::try_from(name.to_string()).unwrap();
    StreamOwned::new(ClientConnection::new(config, name).unwrap(), tcp)
}
