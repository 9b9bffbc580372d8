//! TLS for stream servers (feature `tls`), all of it in this folder: the
//! [`Tls`] transport, the [`TlsStream`] session under a connection, their
//! configuration, certificates read from PEM files, and a certificate
//! that reloads from them without a restart.
//!
//! The files sit on two levels of the crate's layers (README.md, "Where
//! things live"): the session (`stream.rs`) and the settings (`config.rs`,
//! `pem.rs`, `reloadable_cert.rs`, `validity.rs`) sit below
//! [`request`](crate::request), whose [`Stream::Tls`](crate::request::Stream::Tls)
//! holds a [`TlsStream`]; the handshake (`handshake.rs`, a protocol's
//! steps) and the transport (`transport.rs`) sit beside the other
//! transports. [`Tls`] is also `socketserver::Tls` and
//! `socketserver::transport::Tls`; [`TlsStream`] is also
//! `socketserver::request::TlsStream`.
//!
//! TLS is a transport: every stream handler (message handlers, the HTTP
//! layer, raw [`RequestHandler`](crate::RequestHandler)s) serves over it
//! unchanged. Under the event-driven strategies the handshake is a
//! sequence of non-blocking steps like any other wait for the client: a
//! client that stalls mid-handshake holds no thread and is closed at the
//! handshake deadline ([`TlsConfig::handshake_timeout`], 10 seconds by
//! default).
//!
//! The crypto is rustls with its `ring` provider, offering TLS 1.3 and
//! TLS 1.2 with rustls's default cipher suites (`SECURITY.md` lists them).
//!
//! # Examples
//!
//! ```no_run
//! use socketserver::tls::{ReloadableCert, TlsConfig};
//! use socketserver::{Messages, Server, ThreadPool};
//! # use socketserver::{Action, MessageHandler, Reply};
//! # struct Echo;
//! # impl MessageHandler for Echo {
//! #     type Session = ();
//! #     fn handle(&self, _: &mut (), line: &[u8], reply: &mut Reply<'_>) -> Action {
//! #         reply.push(line);
//! #         Action::Continue
//! #     }
//! # }
//! use std::sync::Arc;
//!
//! let cert = Arc::new(ReloadableCert::load("cert.pem", "key.pem")?);
//! let server = Server::builder(Messages::new(Echo))
//!     .concurrency(ThreadPool::new(4))
//!     .bind_tls("127.0.0.1:8443", TlsConfig::with_resolver(cert.clone())?)?;
//! // On SIGHUP, say: a bad new file is reported and the old pair kept.
//! if let Err(err) = cert.reload() {
//!     eprintln!("{err}");
//! }
//! server.serve_forever()?;
//! # Ok::<(), std::io::Error>(())
//! ```

mod config;
mod handshake;
mod pem;
mod plain_http;
mod reloadable_cert;
mod stream;
mod transport;
mod validity;

pub use self::config::{TlsConfig, DEFAULT_HANDSHAKE_TIMEOUT};
pub(crate) use self::handshake::Handshake;
pub use self::pem::load_certified_key;
pub use self::reloadable_cert::ReloadableCert;
#[cfg(test)]
pub(crate) use self::stream::tests::pair;
pub(crate) use self::stream::TlsProgress;
pub use self::stream::TlsStream;
pub use self::transport::Tls;
pub use self::validity::Validity;
/// The rustls this crate was built with, for [`TlsConfig::new`] and
/// certificate resolvers.
pub use rustls;
