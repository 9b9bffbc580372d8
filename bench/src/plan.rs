//! A load, checked and resolved: what `bench` runs and what the suite
//! runs for each scenario.

use super::args::BenchArgs;
use super::mode::Mode;
use super::request_spec::RequestSpec;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

/// Default `--rotate`.
pub const DEFAULT_ROTATE: Duration = Duration::from_secs(2);
/// Default `--stall`.
pub const DEFAULT_STALL: Duration = Duration::from_secs(1);
/// Most windows one run is cut into.
pub const MAX_WINDOWS: u128 = 1000;

/// Everything one load run needs.
#[derive(Debug, Clone)]
pub struct LoadPlan {
    /// The server.
    pub addr: SocketAddr,
    /// Concurrent client connections.
    pub conns: usize,
    /// Event-loop threads driving them.
    pub threads: usize,
    /// Measured time.
    pub duration: Duration,
    /// Unmeasured time before it.
    pub warmup: Duration,
    /// Limit on one connect, send or answer.
    pub timeout: Duration,
    /// A new connection for every request.
    pub per_request: bool,
    /// Idle connections held open during the run.
    pub idle: usize,
    /// `--slow` attacking connections.
    pub slow: usize,
    /// `--slow-read` attacking connections.
    pub slow_read: usize,
    /// Time between two bytes of a slow connection.
    pub slow_interval: Duration,
    /// `--pipeline-flood` attacking connections.
    pub pipeline_flood: usize,
    /// How long a flooding connection lives before it reconnects.
    pub rotate: Duration,
    /// How long a flooding connection's sends may stay blocked before it
    /// reconnects.
    pub stall: Duration,
    /// Length of the reporting windows, when the run is reported per
    /// window (and probed by a fresh client once per second).
    pub windows: Option<Duration>,
    /// The request repeated.
    pub request: RequestSpec,
    /// Print a progress line on stderr once per second.
    pub progress: bool,
}

impl LoadPlan {
    /// Checks the flags and resolves the address.
    ///
    /// # Errors
    ///
    /// A message naming the flag that is wrong and what it accepts.
    pub fn from_args(args: &BenchArgs) -> Result<LoadPlan, String> {
        let addr = resolve(args.addr.as_deref())?;
        let request = request_spec(args)?;
        if args.per_request && request.mode() == Mode::Udp {
            return Err("--per-request applies to the TCP modes (echo, line, http), not udp".to_string());
        }
        if args.idle > 0 && request.mode() == Mode::Udp {
            return Err("--idle holds TCP connections open; it does not apply to --mode udp".to_string());
        }
        if (args.slow > 0 || args.slow_read > 0) && request.mode() == Mode::Udp {
            return Err(
                "--slow and --slow-read attack TCP servers; they do not apply to --mode udp".to_string()
            );
        }
        if args.pipeline_flood > 0 && request.mode() == Mode::Udp {
            return Err("--pipeline-flood attacks TCP servers; it does not apply to --mode udp".to_string());
        }
        let rotate = match args.rotate {
            Some(_) if args.pipeline_flood == 0 => {
                return Err(
                    "--rotate applies to --pipeline-flood connections; add --pipeline-flood N".to_string()
                )
            }
            Some(rotate) if rotate < Duration::from_millis(10) => {
                return Err("--rotate must be at least 10ms, such as \"2s\" or \"500ms\"".to_string())
            }
            Some(rotate) => rotate,
            None => DEFAULT_ROTATE,
        };
        let stall = match args.stall {
            Some(_) if args.pipeline_flood == 0 => {
                return Err(
                    "--stall applies to --pipeline-flood connections; add --pipeline-flood N".to_string()
                )
            }
            Some(stall) if stall < Duration::from_millis(10) => {
                return Err("--stall must be at least 10ms, such as \"1s\" or \"500ms\"".to_string())
            }
            Some(stall) => stall,
            None => DEFAULT_STALL,
        };
        let windows = match args.windows {
            Some(each) if each < Duration::from_millis(10) => {
                return Err("--windows must be at least 10ms, such as \"4s\" or \"1s\"".to_string())
            }
            Some(each) if each > args.duration => {
                return Err(format!(
                    "--windows {each:?} is longer than --duration {:?}; choose a window that fits, such as \"4s\"",
                    args.duration
                ))
            }
            Some(each) if args.duration.as_nanos().div_ceil(each.as_nanos()) > MAX_WINDOWS => {
                return Err(format!(
                    "--windows {each:?} cuts --duration {:?} into more than {MAX_WINDOWS} windows; \
                     choose a longer window",
                    args.duration
                ))
            }
            windows => windows,
        };
        if args.slow_interval.is_zero() {
            return Err("--slow-interval must be more than zero, such as \"1s\"".to_string());
        }
        if args.duration.is_zero() {
            return Err("--duration must be more than zero, such as \"1s\" or \"10s\"".to_string());
        }
        if args.timeout.is_zero() {
            return Err("--timeout must be more than zero, such as \"5s\"".to_string());
        }
        Ok(LoadPlan {
            addr,
            conns: args.conns as usize,
            threads: (args.threads as usize).min(args.conns as usize),
            slow: args.slow as usize,
            slow_read: args.slow_read as usize,
            slow_interval: args.slow_interval,
            pipeline_flood: args.pipeline_flood as usize,
            rotate,
            stall,
            windows,
            duration: args.duration,
            warmup: args.warmup,
            timeout: args.timeout,
            per_request: args.per_request,
            idle: args.idle as usize,
            request,
            progress: !args.quiet,
        })
    }
}

fn resolve(addr: Option<&str>) -> Result<SocketAddr, String> {
    let addr = addr.ok_or("bench needs --addr HOST:PORT, the server to load (such as 127.0.0.1:8084)")?;
    let mut found = addr.to_socket_addrs().map_err(|err| {
        format!("--addr `{addr}` is not an address ({err}); write HOST:PORT, such as 127.0.0.1:8084")
    })?;
    found.next().ok_or_else(|| format!("--addr `{addr}` resolves to no address"))
}

fn request_spec(args: &BenchArgs) -> Result<RequestSpec, String> {
    if args.expect.is_some() && !matches!(args.mode, Mode::Line | Mode::Udp) {
        return Err(format!("--expect applies to --mode line and udp, not {}", args.mode.name()));
    }
    if args.message.contains('\n') {
        return Err("--message must be one line, without a newline".to_string());
    }
    Ok(match args.mode {
        Mode::Echo => RequestSpec::Echo { size: args.size as usize },
        Mode::Line => RequestSpec::Line { message: args.message.clone(), expect: args.expect.clone() },
        Mode::Udp if args.message.is_empty() => {
            return Err("--message must not be empty in udp mode: an empty datagram asks nothing".to_string())
        }
        Mode::Udp => RequestSpec::Udp { message: args.message.clone(), expect: args.expect.clone() },
        Mode::Http if !args.path.starts_with('/') => {
            return Err(format!("--path `{}` must start with `/`", args.path));
        }
        Mode::Http => RequestSpec::Http { path: args.path.clone() },
    })
}
