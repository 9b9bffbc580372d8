//! A certificate that reloads from its files.

use super::load_certified_key;
use parking_lot::RwLock;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The server's certificate and key, read from PEM files and reloadable
/// from the same files while the server runs (on SIGHUP, say): a
/// handshake takes whichever pair is current when it starts, so no
/// connection is dropped, and a bad new pair is refused with the old one
/// kept.
///
/// # Examples
///
/// ```
/// use socketserver::tls::ReloadableCert;
///
/// let err = ReloadableCert::load("missing-cert.pem", "missing-key.pem").unwrap_err();
/// assert!(err.to_string().contains("missing-cert.pem"));
/// ```
#[derive(Debug)]
pub struct ReloadableCert {
    cert: PathBuf,
    key: PathBuf,
    current: RwLock<Arc<CertifiedKey>>,
}

impl ReloadableCert {
    /// Reads the certificate chain and key (see [`load_certified_key`]).
    ///
    /// # Errors
    ///
    /// As [`load_certified_key`]: each error names the file and the
    /// problem.
    pub fn load(cert: impl AsRef<Path>, key: impl AsRef<Path>) -> io::Result<ReloadableCert> {
        let (cert, key) = (cert.as_ref().to_path_buf(), key.as_ref().to_path_buf());
        let current = RwLock::new(Arc::new(load_certified_key(&cert, &key)?));
        Ok(ReloadableCert { cert, key, current })
    }

    /// Reads the files again and, when the new pair is good, serves it to
    /// every handshake from now on.
    ///
    /// # Errors
    ///
    /// As [`load_certified_key`]; the pair in use stays.
    pub fn reload(&self) -> io::Result<()> {
        let fresh = load_certified_key(&self.cert, &self.key)?;
        *self.current.write() = Arc::new(fresh);
        Ok(())
    }

    /// The pair handshakes get now.
    pub fn current(&self) -> Arc<CertifiedKey> {
        Arc::clone(&self.current.read())
    }

    /// The certificate file.
    pub fn cert_path(&self) -> &Path {
        &self.cert
    }

    /// The key file.
    pub fn key_path(&self) -> &Path {
        &self.key
    }
}

impl ResolvesServerCert for ReloadableCert {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current())
    }
}
