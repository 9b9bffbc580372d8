//! Serving a handler over the transport the [`Settings`] name: one
//! generic [`run`] for every transport and handler, on a socket it binds
//! or on one it inherited (systemd socket activation, the `--processes`
//! supervisor).

use crate::activation::Listener;
use crate::error::CliError;
use crate::metrics;
use crate::notify;
use crate::settings::Settings;
use crate::signals::SignalWatch;
use crate::transport_kind::TransportKind;
use socketserver::tls::TlsConfig;
use socketserver::{
    Concurrency, Connection, Datagram, DrainReport, RequestHandler, Server, Tcp, Tls, Transport, Udp,
    UnixDatagram, UnixStream,
};
use std::io;

/// Serves `handler`, which runs over all four transports, on the one
/// the settings name.
pub fn on_any_transport<H>(handler: H, settings: &Settings) -> Result<DrainReport, CliError>
where
    H: RequestHandler<Connection> + RequestHandler<Datagram>,
{
    if let Some(listener) = settings.inherited.take() {
        return on_inherited(handler, listener, settings);
    }
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
    if let Some(listener) = settings.inherited.take() {
        return on_inherited(handler, listener, settings);
    }
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

/// Serves `handler` on an inherited listening socket: TCP or Unix, as the
/// socket is (a stream socket, so only for stream settings).
fn on_inherited<H>(handler: H, listener: Listener, settings: &Settings) -> Result<DrainReport, CliError>
where
    H: RequestHandler<Connection>,
{
    if settings.transport.is_datagram() {
        return Err(CliError::usage(format!(
            "the inherited socket (LISTEN_FDS) is a {} stream socket, but the transport is {}; \
             accepted transports with an inherited socket: tcp, unix",
            listener.transport(),
            settings.transport
        )));
    }
    let config = &settings.limits;
    let failed = |err: io::Error| CliError::runtime(format!("cannot serve on the inherited socket: {err}"));
    match listener {
        Listener::Tcp(listener) if settings.tls.is_some() => {
            let tls = Tls::from_listener(listener, config, tls_config(settings)?).map_err(failed)?;
            serve_on(handler, tls, settings)
        }
        Listener::Tcp(listener) => {
            serve_on(handler, Tcp::from_listener(listener, config).map_err(failed)?, settings)
        }
        Listener::Unix(listener) => {
            serve_on(handler, UnixStream::from_listener(listener, config).map_err(failed)?, settings)
        }
    }
}

/// Binds, then serves as [`serve_on`] does.
fn run<T: Transport, H: RequestHandler<T::Request>>(
    handler: H,
    settings: &Settings,
) -> Result<DrainReport, CliError> {
    let transport = T::bind(&settings.bind, &settings.limits).map_err(|err| bind_error(&err, settings))?;
    serve_on(handler, transport, settings)
}

/// [`run`] over TLS, with the settings' certificate; SIGHUP reloads it.
fn run_tls<H: RequestHandler<Connection>>(handler: H, settings: &Settings) -> Result<DrainReport, CliError> {
    let transport = Tls::bind_with(&settings.bind, &settings.limits, tls_config(settings)?)
        .map_err(|err| bind_error(&err, settings))?;
    serve_on(handler, transport, settings)
}

/// The TLS listener's configuration; HTTP servers offer ALPN `http/1.1`.
fn tls_config(settings: &Settings) -> Result<TlsConfig, CliError> {
    let tls =
        settings.tls.as_ref().ok_or_else(|| CliError::runtime("TLS asked for without a certificate"))?;
    tls.config(matches!(settings.handler.name, "http" | "static"))
}

/// Logs the bound address, tells systemd (or the supervisor) it is ready,
/// serves until SIGINT or SIGTERM, and logs what the drain did.
fn serve_on<T: Transport, H: RequestHandler<T::Request>>(
    handler: H,
    transport: T,
    settings: &Settings,
) -> Result<DrainReport, CliError> {
    let strategy = settings.strategy();
    let strategy_text = strategy.describe();
    let server = Server::builder(handler)
        .config(settings.limits.clone())
        .concurrency(strategy)
        .serve_on(transport)
        .map_err(|err| CliError::runtime(format!("cannot start the server: {err}")))?;
    let _metrics = metrics::start_for(
        server.handle(),
        settings.handler.name,
        settings.metrics.as_deref(),
        settings.metrics_child.as_ref(),
    )?;
    let reload = settings.tls.as_ref().map(|tls| tls.cert.clone());
    let _signals = SignalWatch::start(server.shutdown_handle(), reload)?;
    log::info!(
        "serving {} transport={} bound={} strategy={strategy_text}{} pid={}",
        settings.handler.name,
        T::NAME,
        server.local_addr(),
        if settings.limits.proxy_protocol { " proxy-protocol" } else { "" },
        std::process::id(),
    );
    notify::notify(notify::READY);
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
