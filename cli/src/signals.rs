//! Signals of a server process: SIGINT and SIGTERM, the first starts a
//! drain (reported to systemd as `STOPPING=1`), a second ends the process
//! at once. SIGHUP, when serving TLS: reload the certificate. The
//! `--processes` supervisor handles its own signals
//! (`supervisor::signals`).

use crate::error::CliError;
use crate::notify;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::{Handle, Signals};
use socketserver::tls::ReloadableCert;
use socketserver::ShutdownHandle;
use std::sync::Arc;
use std::thread;

/// Watches for SIGINT and SIGTERM while a server runs; stops watching
/// when dropped.
#[derive(Debug)]
pub struct SignalWatch {
    handle: Handle,
}

impl SignalWatch {
    /// Starts a thread that shuts `server` down on the first SIGINT or
    /// SIGTERM, and exits the process (status 130) on a second one. With
    /// `certificate`, SIGHUP reloads it from its files (otherwise SIGHUP
    /// keeps its default: it ends the process).
    ///
    /// # Errors
    ///
    /// A runtime error if the handlers cannot be installed.
    pub fn start(
        server: ShutdownHandle,
        certificate: Option<Arc<ReloadableCert>>,
    ) -> Result<SignalWatch, CliError> {
        let mut wanted = vec![SIGINT, SIGTERM];
        if certificate.is_some() {
            wanted.push(SIGHUP);
        }
        let mut signals = Signals::new(wanted)
            .map_err(|err| CliError::runtime(format!("cannot install signal handlers: {err}")))?;
        let handle = signals.handle();
        thread::Builder::new()
            .name("signals".to_string())
            .spawn(move || {
                let mut draining = false;
                for signal in signals.forever() {
                    match (signal, &certificate) {
                        (SIGHUP, Some(certificate)) => reload_certificate(certificate),
                        _ if draining => {
                            log::warn!(
                                "received {} again: exiting without waiting for the drain",
                                name(signal)
                            );
                            std::process::exit(130);
                        }
                        _ => {
                            log::info!("received {}: draining in-flight requests", name(signal));
                            notify::notify(notify::STOPPING);
                            server.shutdown();
                            draining = true;
                        }
                    }
                }
            })
            .map_err(|err| CliError::runtime(format!("cannot start the signal thread: {err}")))?;
        Ok(SignalWatch { handle })
    }
}

/// SIGHUP in a TLS server: the certificate and key are read again from
/// the same files; handshakes from now on get the new pair, connections
/// already open keep theirs. A bad new pair is logged and the old one
/// kept.
fn reload_certificate(certificate: &ReloadableCert) {
    match certificate.reload() {
        Ok(()) => log::info!(
            "received SIGHUP: reloaded the TLS certificate {} and key {}",
            certificate.cert_path().display(),
            certificate.key_path().display()
        ),
        Err(err) => {
            log::error!("received SIGHUP: kept the TLS certificate in use, the new one is refused: {err}")
        }
    }
}

impl Drop for SignalWatch {
    fn drop(&mut self) {
        self.handle.close();
    }
}

fn name(signal: i32) -> &'static str {
    match signal {
        SIGINT => "SIGINT",
        SIGHUP => "SIGHUP",
        _ => "SIGTERM",
    }
}
