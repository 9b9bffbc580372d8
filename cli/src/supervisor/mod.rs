//! `serve --processes N`: the crate's ForkingMixIn. A supervisor binds
//! once (or takes the socket systemd passed it) and keeps N copies of the
//! server running on that socket, each an ordinary socket-activated
//! server (see `activation`), so every core serves and a crash kills one
//! process, not the service.
//!
//! - A child that dies is restarted, at once after a long life and with
//!   doubling delays while it keeps dying young ([`backoff`]).
//! - SIGTERM or SIGINT: every child drains (SIGTERM) and the supervisor
//!   exits 0 when all have; a second signal kills them at once.
//! - SIGHUP: the children are replaced one by one: a new one starts, and
//!   once it says `READY=1` its predecessor drains. The socket stays open
//!   in the supervisor throughout, so no connection is refused.
//!
//! The supervisor reports to systemd like a server does (`READY=1` once
//! every child is ready, `RELOADING=1` during a SIGHUP, `STOPPING=1`),
//! and logs which child (its number and pid) did what.

mod backoff;
mod child;
mod events;
mod pool;

use self::events::Events;
use self::pool::Pool;
use crate::activation::Listener;
use crate::error::CliError;
use crate::metrics::SupervisorMetrics;
use crate::settings::Settings;
use crate::transport_kind::TransportKind;
use socketserver::{Address, Tcp, Transport, UnixStream};
use std::os::fd::{AsFd, AsRawFd, RawFd};

/// The socket every child serves, held open by the supervisor.
enum Listening {
    Tcp(Tcp),
    Unix(UnixStream),
}

impl Listening {
    /// The inherited socket, or a new one bound as the settings say.
    fn open(settings: &Settings) -> Result<Listening, CliError> {
        let config = &settings.limits;
        let failed = |err: std::io::Error| CliError::runtime(format!("cannot bind {}: {err}", settings.bind));
        match (settings.inherited.take(), settings.transport) {
            (Some(Listener::Tcp(listener)), _) => Tcp::from_listener(listener, config).map(Listening::Tcp),
            (Some(Listener::Unix(listener)), _) => {
                UnixStream::from_listener(listener, config).map(Listening::Unix)
            }
            (None, TransportKind::Unix) => UnixStream::bind(&settings.bind, config).map(Listening::Unix),
            (None, _) => Tcp::bind(&settings.bind, config).map(Listening::Tcp),
        }
        .map_err(failed)
    }

    fn fd(&self) -> RawFd {
        match self {
            Listening::Tcp(tcp) => tcp.as_fd().as_raw_fd(),
            Listening::Unix(unix) => unix.as_fd().as_raw_fd(),
        }
    }

    fn local(&self) -> (&'static str, &Address) {
        match self {
            Listening::Tcp(tcp) => (Tcp::NAME, tcp.local_addr()),
            Listening::Unix(unix) => (UnixStream::NAME, unix.local_addr()),
        }
    }
}

/// Supervises `settings.processes` children until SIGTERM or SIGINT.
///
/// # Errors
///
/// A runtime error when the socket cannot be bound or the signal
/// handlers installed.
pub fn run(settings: &Settings) -> Result<(), CliError> {
    let events = Events::start()?;
    let listening = Listening::open(settings)?;
    let (transport, bound) = listening.local();
    log::info!(
        "supervising {} transport={transport} bound={bound} processes={} pid={}",
        settings.handler.name,
        settings.processes,
        std::process::id()
    );
    let _metrics = SupervisorMetrics::start(settings.metrics.as_deref(), settings.processes)?;
    let drain = settings.limits.drain_timeout;
    let mut pool = Pool::new(settings.processes, listening.fd(), events.notify_path().to_path_buf(), drain);
    pool.run(&events.receiver);
    Ok(())
}
