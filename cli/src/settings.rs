//! What `serve` runs with: the flags laid over the config file, over the
//! defaults, checked before anything starts.

use crate::activation::Inherited;
use crate::args::ServeArgs;
use crate::bind_address;
use crate::config_file::ConfigFile;
use crate::error::CliError;
use crate::log_format::LogFormat;
use crate::metrics::ChildSocket;
use crate::registry::{self, HandlerInfo};
use crate::static_settings::StaticSettings;
use crate::tls_files::ServerTls;
use crate::transport_kind::TransportKind;
use log::LevelFilter;
use socketserver::{Address, Overload, ServerConfig, Strategy, StrategyKind, ThreadPerConnection};
use std::path::PathBuf;

/// Pool size when neither flag nor file sets one. `threads` has no such
/// default: without `workers` it starts a thread per connection, bounded by
/// `max_connections` (Python's `ThreadingMixIn` has no cap at all).
pub const DEFAULT_WORKERS: usize = 32;

/// Everything `serve` needs, resolved.
#[derive(Debug)]
pub struct Settings {
    /// The server to run.
    pub handler: &'static HandlerInfo,
    /// Where to listen.
    pub bind: Address,
    /// How.
    pub transport: TransportKind,
    /// The strategy's kind.
    pub concurrency: StrategyKind,
    /// Pool size, or the thread cap of `threads`, as given (`None`: 32 for
    /// `pool`, no cap for `threads`).
    pub workers: Option<usize>,
    /// The pool's queue (`None`: 4 × workers).
    pub queue: Option<usize>,
    /// What a full strategy does.
    pub overload: Overload,
    /// The log level.
    pub log_level: LevelFilter,
    /// Whether the HTTP access log is written (at `info`).
    pub access_log: bool,
    /// How log lines are written.
    pub log_format: LogFormat,
    /// Where the `/metrics` endpoint listens, if anywhere.
    pub metrics: Option<String>,
    /// Where this process serves its metrics to its supervisor, when it
    /// is a supervised child and `metrics` is set.
    pub metrics_child: Option<ChildSocket>,
    /// A data file for the handlers that take one.
    pub data: Option<PathBuf>,
    /// The directory `static` serves.
    pub dir: PathBuf,
    /// The options of `static` beyond its directory.
    pub files: StaticSettings,
    /// The server's limits (and socket options: `proxy_protocol`,
    /// `reuse_port`).
    pub limits: ServerConfig,
    /// Server processes under a supervisor (`--processes`); 1 runs the
    /// server in this process.
    pub processes: usize,
    /// A listening socket inherited from systemd or the supervisor, used
    /// instead of binding `bind`.
    pub inherited: Inherited,
    /// TLS, when `--tls-cert` and `--tls-key` are given.
    pub tls: Option<ServerTls>,
}

impl Settings {
    /// Lays `args` over its config file (if any) over the defaults.
    ///
    /// # Errors
    ///
    /// A usage error (exit status 2) for a bad config file, a missing or
    /// unknown handler, or a flag that does not fit the handler.
    pub fn resolve(args: ServeArgs) -> Result<Settings, CliError> {
        let file = match &args.config {
            Some(path) => ConfigFile::load(path)?,
            None => ConfigFile::default(),
        };
        let files = StaticSettings::resolve(&args, &file);
        let handler = registry::find(&handler_name(args.handler, file.handler)?)?;
        let transport = args.transport.or(file.transport).unwrap_or(TransportKind::Tcp);
        check_transport(handler, transport)?;
        let data = args.data.or(file.data);
        let dir = args.dir.or(file.dir);
        check_applies(handler, data.is_some(), dir.is_some())?;
        let mut limits = file.limits;
        limits.proxy_protocol |= args.proxy_protocol || file.proxy_protocol.unwrap_or(false);
        limits.reuse_port |= args.reuse_port || file.reuse_port.unwrap_or(false);
        let processes = args.processes.map(|n| n as usize).or(file.processes).unwrap_or(1);
        check_streams_only(transport, limits.proxy_protocol, processes)?;
        check_static_only(handler, &files)?;
        let tls = ServerTls::resolve(
            args.tls_cert.or(file.tls_cert),
            args.tls_key.or(file.tls_key),
            args.tls_handshake_timeout.or(file.tls_handshake_timeout),
            transport,
        )?;
        Ok(Settings {
            handler,
            bind: bind_address::resolve(args.bind.or(file.bind).as_deref(), transport, handler)?,
            transport,
            concurrency: args.concurrency.or(file.concurrency).unwrap_or(StrategyKind::Pool),
            workers: args.workers.map(|n| n as usize).or(file.workers),
            queue: args.queue.map(|n| n as usize).or(file.queue),
            overload: args.overload.or(file.overload).unwrap_or_default(),
            log_level: args.log_level.or(file.log_level).unwrap_or(LevelFilter::Info),
            access_log: !args.no_access_log && file.access_log.unwrap_or(true),
            log_format: args.log_format.or(file.log_format).unwrap_or_default(),
            metrics: args.metrics.or(file.metrics),
            metrics_child: None,
            data,
            dir: dir.unwrap_or_else(|| PathBuf::from(".")),
            files,
            limits,
            processes,
            inherited: Inherited::default(),
            tls,
        })
    }

    /// The concurrency strategy these settings name: `threads` without
    /// `workers` is uncapped (a thread per connection, bounded by
    /// `max_connections`); `pool` without it has [`DEFAULT_WORKERS`].
    pub fn strategy(&self) -> Strategy {
        match (self.concurrency, self.workers) {
            (StrategyKind::Threads, None) => {
                Strategy::Threads(ThreadPerConnection::new().overload(self.overload))
            }
            (kind, workers) => {
                Strategy::new(kind, workers.unwrap_or(DEFAULT_WORKERS), self.queue, self.overload)
            }
        }
    }
}

fn handler_name(flag: Option<String>, file: Option<String>) -> Result<String, CliError> {
    flag.or(file).ok_or_else(|| {
        CliError::usage(format!(
            "no server named: give one (socketserver serve echo) or set `handler` in --config; accepted: {}",
            registry::names()
        ))
    })
}

/// The options of `static` given to another server are refused, named.
fn check_static_only(handler: &HandlerInfo, files: &StaticSettings) -> Result<(), CliError> {
    match (handler.dir, files.given().first()) {
        (false, Some(first)) => Err(CliError::usage(format!(
            "{first} does not apply to `{}`; it applies to: static",
            handler.name
        ))),
        _ => Ok(()),
    }
}

fn check_transport(handler: &HandlerInfo, transport: TransportKind) -> Result<(), CliError> {
    if transport.is_datagram() && !handler.datagrams {
        return Err(CliError::usage(format!(
            "`{}` has no datagram form, so it cannot run over {transport}; accepted transports for it: tcp, unix",
            handler.name
        )));
    }
    Ok(())
}

fn check_streams_only(transport: TransportKind, proxy: bool, processes: usize) -> Result<(), CliError> {
    if !transport.is_datagram() {
        return Ok(());
    }
    let what = match (proxy, processes > 1) {
        (true, _) => "--proxy-protocol (`proxy_protocol`)",
        (false, true) => "--processes (`processes`)",
        (false, false) => return Ok(()),
    };
    Err(CliError::usage(format!(
        "{what} needs a stream transport with a listener, not {transport}; accepted transports for it: tcp, unix"
    )))
}

fn check_applies(handler: &HandlerInfo, data: bool, dir: bool) -> Result<(), CliError> {
    if data && !handler.data {
        let which = registry::names_where(|info| info.data);
        return Err(CliError::usage(format!(
            "--data (`data`) does not apply to `{}`; it applies to: {which}",
            handler.name
        )));
    }
    if dir && !handler.dir {
        let which = registry::names_where(|info| info.dir);
        return Err(CliError::usage(format!(
            "--dir (`dir`) does not apply to `{}`; it applies to: {which}",
            handler.name
        )));
    }
    Ok(())
}
