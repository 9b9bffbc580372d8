//! The command line's grammar (clap derive): subcommands and their flags.

use crate::log_format::LogFormat;
use crate::logging;
use crate::registry;
use crate::tls_client::TrustArgs;
use crate::transport_kind::TransportKind;
use clap::{Args, Parser, Subcommand};
use log::LevelFilter;
use socketserver::config::parse_duration;
use socketserver::{Overload, StrategyKind};
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// Blocking, thread-based socket servers and the clients to try them.
#[derive(Debug, Parser)]
#[command(name = "socketserver", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a bundled server until SIGINT or SIGTERM (then drain and exit 0).
    Serve(Box<ServeArgs>),
    /// Talk to a server: one line sent per input line, the reply printed;
    /// `-1` or end of input quits.
    Client(ClientArgs),
    /// Print the IP addresses a host name resolves to.
    Resolve(ResolveArgs),
    /// Fetch an http:// or https:// URL with a raw HTTP/1.1 request; print the
    /// response, then bytes, time and throughput.
    Get(GetArgs),
    /// Drive a server with a closed-loop load and report req/s and
    /// latency; `bench suite` compares every strategy with tokio, hyper,
    /// nginx and a std reference. Runs the `socketserver-bench` binary
    /// (`bench --help` lists its flags).
    Bench(BenchArgs),
}

/// `socketserver serve`: every flag may instead come from `--config`;
/// flags override the file.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The server to run (`serve --help` lists what each answers).
    #[arg(value_name = "HANDLER", long_help = registry::long_help())]
    pub handler: Option<String>,
    /// HOST:PORT to listen on (port 0 picks a free port; a bare PORT means
    /// 127.0.0.1:PORT), or a socket file path for the unix transports.
    /// Default: 127.0.0.1 and the handler's port.
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// tcp, udp, unix or unix-dgram. Default: tcp.
    #[arg(long, value_name = "TRANSPORT")]
    pub transport: Option<TransportKind>,
    /// single, threads or pool. Default: pool.
    #[arg(long, value_name = "STRATEGY")]
    pub concurrency: Option<StrategyKind>,
    /// Pool size (default: 32), or the thread cap of `threads` (default: no
    /// cap: a thread per connection, bounded by `max_connections` of the
    /// config's [limits], 1024; give --workers N to cap it at N).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub workers: Option<u32>,
    /// The pool's queue length. Default: 4 × workers.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub queue: Option<u32>,
    /// What a full pool or thread cap does: wait or reject. Default: wait.
    #[arg(long, value_name = "POLICY")]
    pub overload: Option<Overload>,
    /// A TOML file with the same keys as these flags (see
    /// socketserver.example.toml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// off, error, warn, info, debug or trace. Default: info.
    #[arg(long, value_name = "LEVEL", value_parser = logging::parse_level)]
    pub log_level: Option<LevelFilter>,
    /// A data file for address-book (TOML or CSV) or qotd (quotes).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// The directory `static` serves. Default: the current directory.
    #[arg(long, value_name = "PATH", help_heading = STATIC)]
    pub dir: Option<PathBuf>,
    /// Expect a PROXY protocol header (v1 or v2) before each connection's
    /// bytes, from a load balancer such as HAProxy (`send-proxy-v2`); the
    /// client it names is the one logged and served. Only behind a proxy.
    #[arg(long)]
    pub proxy_protocol: bool,
    /// How log lines are written: text, or json (one object per line:
    /// time, level, target, message; access lines add client, method,
    /// path, status, bytes, duration). Default: text.
    #[arg(long, value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
    /// Serve the server's counters in the Prometheus text format at
    /// http://HOST:PORT/metrics, on a listener of its own. Under
    /// --processes, the supervisor serves every child's, labelled child.
    #[arg(long, value_name = "HOST:PORT")]
    pub metrics: Option<String>,
    /// Leave out the HTTP access log (one info line per request) while
    /// logging the rest at --log-level.
    #[arg(long)]
    pub no_access_log: bool,
    /// Set SO_REUSEPORT, so that a new server can bind beside a running
    /// one (a restart without refusing connections).
    #[arg(long)]
    pub reuse_port: bool,
    /// Run a supervisor that binds once and keeps N server processes
    /// serving the socket: a dead one is restarted, SIGHUP replaces them
    /// one by one, SIGTERM drains them all. Default: 1 (no supervisor).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub processes: Option<u32>,
    /// Serve TLS with this certificate chain (PEM, the server's own
    /// certificate first); needs --tls-key. SIGHUP reloads both files.
    #[arg(long, value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(long, value_name = "FILE")]
    pub tls_key: Option<PathBuf>,
    /// How long a client has to finish its TLS handshake, such as 10s.
    /// Default: 10s.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub tls_handshake_timeout: Option<Duration>,
    /// File names that serve a directory, tried in order (repeat the flag
    /// or separate with commas); with none present the directory is
    /// listed. Default: index.html.
    #[arg(long, value_name = "NAME", value_delimiter = ',', help_heading = STATIC)]
    pub index: Vec<String>,
    /// Cache-Control for the paths a pattern covers, as PATTERN=VALUE: a
    /// path prefix (/assets/=immutable) or an extension
    /// (*.css=max-age=3600). Repeatable; the first rule that covers a path
    /// wins.
    #[arg(long = "cache-control", value_name = "PATTERN=VALUE", help_heading = STATIC)]
    pub cache_control: Vec<String>,
    /// A header field added to every response, as 'Name: value'.
    /// Repeatable.
    #[arg(long, value_name = "NAME: VALUE", help_heading = STATIC)]
    pub header: Vec<String>,
    /// A file whose content answers 404 (its type from its extension).
    #[arg(long, value_name = "FILE", help_heading = STATIC)]
    pub not_found_page: Option<PathBuf>,
    /// Compress text files of 1 KiB or more with gzip as they are sent, to
    /// clients that accept it (never for a range). Default: off.
    #[arg(long, help_heading = STATIC)]
    pub gzip: bool,
    /// Do not send the precompressed file.br, file.zst or file.gz beside a
    /// file (sent by default to clients whose Accept-Encoding takes them).
    #[arg(long, help_heading = STATIC)]
    pub no_precompressed: bool,
    /// Send file bodies with read and write instead of sendfile(2).
    #[arg(long, help_heading = STATIC)]
    pub no_sendfile: bool,
}

/// The heading of the `static` server's flags in `serve --help`.
const STATIC: &str = "Static files (serve static)";

/// `socketserver client`.
#[derive(Debug, Args)]
pub struct ClientArgs {
    /// HOST:PORT of the server, or a Unix stream socket path.
    #[arg(value_name = "ADDR")]
    pub addr: String,
    /// Send datagrams over UDP instead of connecting over TCP.
    #[arg(long)]
    pub udp: bool,
    /// Send this one message, print the reply, and exit.
    #[arg(long, value_name = "MSG")]
    pub send: Option<String>,
    /// How long to wait for a reply, such as 5s or 500ms.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Speak TLS over the TCP connection (to `serve … --tls-cert`).
    #[arg(long, conflicts_with = "udp")]
    pub tls: bool,
    /// Whom to trust over TLS.
    #[command(flatten)]
    pub trust: TrustArgs,
}

/// `socketserver resolve`.
#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The host name, such as example.com or localhost.
    #[arg(value_name = "HOST")]
    pub host: String,
}

/// `socketserver get`.
#[derive(Debug, Args)]
pub struct GetArgs {
    /// An http:// or https:// URL.
    #[arg(value_name = "URL")]
    pub url: String,
    /// Send HEAD instead of GET: headers only.
    #[arg(long)]
    pub head: bool,
    /// How long to wait for the server, such as 10s.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Whom to trust for https.
    #[command(flatten)]
    pub trust: TrustArgs,
}

/// `socketserver bench ARGS...`: the arguments of `socketserver-bench`,
/// handed over as they are (`--help` included).
#[derive(Debug, Args)]
#[command(disable_help_flag = true, disable_version_flag = true)]
pub struct BenchArgs {
    /// The load generator's flags, such as `--addr 127.0.0.1:7007
    /// --duration 10s`, or `suite ...`.
    #[arg(value_name = "ARGS", trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<OsString>,
}
