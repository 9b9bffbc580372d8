//! A certificate chain and its private key, read from PEM files.

use super::Validity;
use rustls::crypto::ring;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::sign::CertifiedKey;
use std::io;
use std::path::Path;

/// Reads a certificate chain (PEM, the server's certificate first) and
/// its private key (PEM: PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`
/// or SEC1 `EC PRIVATE KEY`), and checks that they belong together and
/// that the certificate is valid now.
///
/// # Errors
///
/// Each names the file and the problem: a file that cannot be read (its
/// system error kind: `NotFound`, `PermissionDenied`, ...), no certificate
/// or no key in it, a key of a kind rustls cannot sign with, a key that
/// does not match the certificate, a certificate that expired or is not
/// valid yet (`InvalidData` for all of these).
///
/// # Examples
///
/// ```
/// use socketserver::tls::load_certified_key;
///
/// let err = load_certified_key("/nonexistent/cert.pem", "key.pem").unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
/// assert!(err.to_string().contains("/nonexistent/cert.pem"));
/// ```
pub fn load_certified_key(cert: impl AsRef<Path>, key: impl AsRef<Path>) -> io::Result<CertifiedKey> {
    let (cert, key) = (cert.as_ref(), key.as_ref());
    let chain = read_chain(cert)?;
    let key_der = read_key(key)?;
    let signing = ring::sign::any_supported_type(&key_der)
        .map_err(|err| invalid(format!("the private key in {} cannot be used: {err}", key.display())))?;
    let certified = CertifiedKey::new(chain, signing);
    match certified.keys_match() {
        Ok(()) | Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {}
        Err(rustls::Error::InconsistentKeys(_)) => {
            return Err(invalid(format!(
                "the private key in {} does not match the certificate in {}",
                key.display(),
                cert.display()
            )))
        }
        Err(err) => {
            return Err(invalid(format!("the certificate in {} is not usable: {err}", cert.display())))
        }
    }
    let validity = Validity::of_certificate(&certified.cert[0])
        .map_err(|err| invalid(format!("the first certificate in {}: {err}", cert.display())))?;
    validity.check().map_err(|why| invalid(format!("the certificate in {} {why}", cert.display())))?;
    Ok(certified)
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

fn read(path: &Path, what: &str) -> io::Result<Vec<u8>> {
    std::fs::read(path).map_err(|err| {
        io::Error::new(err.kind(), format!("cannot read the TLS {what} file {}: {err}", path.display()))
    })
}

fn read_chain(path: &Path) -> io::Result<Vec<CertificateDer<'static>>> {
    let pem = read(path, "certificate")?;
    let chain = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| invalid(format!("{} is not valid PEM: {err}", path.display())))?;
    if chain.is_empty() {
        return Err(invalid(format!(
            "{} holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----, the server's own first)",
            path.display()
        )));
    }
    Ok(chain)
}

fn read_key(path: &Path) -> io::Result<PrivateKeyDer<'static>> {
    let pem = read(path, "key")?;
    PrivateKeyDer::from_pem_slice(&pem).map_err(|err| match err {
        rustls::pki_types::pem::Error::NoItemsFound => invalid(format!(
            "{} holds no private key (accepted: PEM PKCS#8 \"PRIVATE KEY\", PKCS#1 \"RSA PRIVATE KEY\" or SEC1 \"EC PRIVATE KEY\")",
            path.display()
        )),
        err => invalid(format!("{} is not valid PEM: {err}", path.display())),
    })
}
