//! Signals of a server process: SIGINT and SIGTERM, the first starts a
//! drain (reported to systemd as `STOPPING=1`), a second ends the process
//! at once. The `--processes` supervisor handles its own signals
//! (`supervisor::signals`).

use super::error::CliError;
use super::notify;
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::{Handle, Signals};
use socketserver::ShutdownHandle;
use std::thread;

/// Watches for SIGINT and SIGTERM while a server runs; stops watching
/// when dropped.
#[derive(Debug)]
pub struct SignalWatch {
    handle: Handle,
}

impl SignalWatch {
    /// Starts a thread that shuts `server` down on the first SIGINT or
    /// SIGTERM, and exits the process (status 130) on a second one.
    ///
    /// # Errors
    ///
    /// A runtime error if the handlers cannot be installed.
    pub fn start(server: ShutdownHandle) -> Result<SignalWatch, CliError> {
        let mut signals = Signals::new([SIGINT, SIGTERM])
            .map_err(|err| CliError::runtime(format!("cannot install signal handlers: {err}")))?;
        let handle = signals.handle();
        thread::Builder::new()
            .name("signals".to_string())
            .spawn(move || {
                let mut received = signals.forever();
                if let Some(signal) = received.next() {
                    log::info!("received {}: draining in-flight requests", name(signal));
                    notify::notify(notify::STOPPING);
                    server.shutdown();
                }
                if let Some(signal) = received.next() {
                    log::warn!("received {} again: exiting without waiting for the drain", name(signal));
                    std::process::exit(130);
                }
            })
            .map_err(|err| CliError::runtime(format!("cannot start the signal thread: {err}")))?;
        Ok(SignalWatch { handle })
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
        _ => "SIGTERM",
    }
}
