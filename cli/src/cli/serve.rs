//! Running a server from [`Settings`]: one generic [`run`] for every
//! transport and handler, chosen by name at run time.

use super::error::CliError;
use super::settings::Settings;
use super::signals::SignalWatch;
use super::transport_kind::TransportKind;
use socketserver::{
    Concurrency, Connection, Datagram, DrainReport, RequestHandler, Server, ServerBuilder, Strategy, Tcp,
    Transport, Udp, UnixDatagram, UnixStream,
};
use std::io;

/// Serves `handler`, which runs over all four transports, on the one
/// the settings name.
pub fn on_any_transport<H>(handler: H, settings: &Settings) -> Result<DrainReport, CliError>
where
    H: RequestHandler<Connection> + RequestHandler<Datagram>,
{
    match settings.transport {
        TransportKind::Tcp if settings.tls.is_some() => run_tls(handler, settings),
        TransportKind::Tcp => run::<Tcp, H>(handler, settings),
        TransportKind::Udp => run::<Udp, H>(handler, settings),
        TransportKind::Unix => run::<UnixStream, H>(handler, settings),
        TransportKind::UnixDgram => run::<UnixDatagram, H>(handler, settings),
    }
}

/// Serves `handler`, which has no datagram form, on the stream transport
/// the settings name.
pub fn on_streams<H>(handler: H, settings: &Settings) -> Result<DrainReport, CliError>
where
    H: RequestHandler<Connection>,
{
    match settings.transport {
        TransportKind::Tcp if settings.tls.is_some() => run_tls(handler, settings),
        TransportKind::Tcp => run::<Tcp, H>(handler, settings),
        TransportKind::Unix => run::<UnixStream, H>(handler, settings),
        datagrams => Err(CliError::usage(format!(
            "`{}` has no datagram form, so it cannot run over {datagrams}; accepted transports for it: tcp, unix",
            settings.handler.name
        ))),
    }
}

/// Binds, logs the bound address, serves until SIGINT or SIGTERM, and
/// logs what the drain did.
pub fn run<T: Transport, H: RequestHandler<T::Request>>(
    handler: H,
    settings: &Settings,
) -> Result<DrainReport, CliError> {
    let server =
        builder(handler, settings).bind::<T>(&settings.bind).map_err(|err| bind_error(&err, settings))?;
    serve_bound(server, settings, settings.transport.to_string())
}

/// [`run`] over TLS: binds with the settings' certificate; SIGHUP
/// reloads it.
fn run_tls<H: RequestHandler<Connection>>(handler: H, settings: &Settings) -> Result<DrainReport, CliError> {
    let Some(tls) = &settings.tls else { return run::<Tcp, H>(handler, settings) };
    let http = matches!(settings.handler.name, "http" | "static");
    let server = builder(handler, settings)
        .bind_tls(&settings.bind, tls.config(http)?)
        .map_err(|err| bind_error(&err, settings))?;
    serve_bound(server, settings, "tcp+tls".to_string())
}

fn builder<H>(handler: H, settings: &Settings) -> ServerBuilder<H, Strategy> {
    Server::builder(handler).config(settings.limits.clone()).concurrency(settings.strategy())
}

fn serve_bound<T: Transport, H: RequestHandler<T::Request>>(
    server: Server<T, Strategy, H>,
    settings: &Settings,
    transport: String,
) -> Result<DrainReport, CliError> {
    let reload = settings.tls.as_ref().map(|tls| tls.cert.clone());
    let _signals = SignalWatch::start(server.shutdown_handle(), reload)?;
    log::info!(
        "serving {} transport={transport} bound={} strategy={}",
        settings.handler.name,
        server.local_addr(),
        server.concurrency().describe(),
    );
    let report =
        server.serve_forever().map_err(|err| CliError::runtime(format!("the server failed: {err}")))?;
    log::info!(
        "stopped: {} in-flight request(s) at shutdown, {} completed, {} cut off, {} thread(s) left, in {:.0?}",
        report.in_flight,
        report.completed(),
        report.cut_off,
        report.threads_left,
        report.elapsed,
    );
    Ok(report)
}

/// A bind failure said plainly, with the likely fix.
fn bind_error(err: &io::Error, settings: &Settings) -> CliError {
    let hint = match err.kind() {
        io::ErrorKind::AddrInUse => "another server is using that address; stop it or choose another with --bind",
        io::ErrorKind::PermissionDenied => {
            "permission denied; ports below 1024 need root (or CAP_NET_BIND_SERVICE), so choose a port of 1024 or more"
        }
        io::ErrorKind::AddrNotAvailable => "that address belongs to no interface of this machine",
        _ => "check the --bind address",
    };
    CliError::runtime(format!("cannot bind {} ({}): {err}; {hint}", settings.bind, settings.transport))
}
