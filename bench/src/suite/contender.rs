//! The servers compared: socketserver's strategies, the std reference,
//! and what users would pick instead (tokio, hyper, nginx).

use super::launch::Launch;
use super::nginx::NginxSite;
use super::scenario::Scenario;
use super::SuiteArgs;
use std::path::Path;
use std::process::Command;

/// A server under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contender {
    /// benches/reference_echo.rs: std::net, a thread per connection.
    Reference,
    /// bench-servers `tokio-echo`: a task per connection.
    Tokio,
    /// bench-servers `hyper-hello`: hyper 1.x on tokio.
    Hyper,
    /// nginx answering `return 200`, one worker process.
    Nginx,
    /// `--concurrency single`.
    Single,
    /// `--concurrency threads`, capped high enough for the idle scenario.
    Threads,
    /// `--concurrency pool`.
    Pool,
}

impl Contender {
    /// Every contender, in table order: the comparisons, then the strategies.
    pub const ALL: [Contender; 7] = [
        Contender::Reference,
        Contender::Tokio,
        Contender::Hyper,
        Contender::Nginx,
        Contender::Single,
        Contender::Threads,
        Contender::Pool,
    ];

    /// The comparisons the table divides by, in column order.
    pub const BASELINES: [Contender; 4] =
        [Contender::Tokio, Contender::Hyper, Contender::Nginx, Contender::Reference];

    /// Name in the table.
    pub fn name(self) -> &'static str {
        match self {
            Contender::Reference => "std",
            Contender::Tokio => "tokio",
            Contender::Hyper => "hyper",
            Contender::Nginx => "nginx",
            Contender::Single => "single",
            Contender::Threads => "threads",
            Contender::Pool => "pool",
        }
    }

    /// Whether it is one of socketserver's strategies.
    pub fn is_strategy(self) -> bool {
        matches!(self, Contender::Single | Contender::Threads | Contender::Pool)
    }

    /// The thread cap given to `threads`: enough for every scenario's
    /// connections at once.
    pub fn thread_cap(args: &SuiteArgs) -> u32 {
        args.idle.max(args.rss_conns).max(args.slow) + 256
    }

    /// The binary of a comparison server, when the suite was given it.
    fn binary(self, args: &SuiteArgs) -> Option<&Path> {
        match self {
            Contender::Reference => Some(&args.reference),
            Contender::Tokio => args.tokio_echo.as_deref(),
            Contender::Hyper => args.hyper_hello.as_deref(),
            Contender::Nginx => args.nginx.as_deref(),
            _ => None,
        }
    }

    /// Why it is left out of this run, if it is: a comparison server that
    /// was not built or is not installed.
    pub fn missing(self, args: &SuiteArgs) -> Option<String> {
        if self.is_strategy() || self == Contender::Reference {
            return None;
        }
        match self.binary(args) {
            Some(path) if path.is_file() => None,
            Some(path) => Some(format!("{} is not a file", path.display())),
            None if self == Contender::Nginx => Some("nginx is not installed (--nginx PATH)".to_string()),
            None => Some(format!("not built (--{} PATH; scripts/benchmark.sh builds it)", self.flag())),
        }
    }

    fn flag(self) -> &'static str {
        match self {
            Contender::Tokio => "tokio-echo",
            Contender::Hyper => "hyper-hello",
            _ => self.name(),
        }
    }

    /// How to start this server for `scenario` on a loopback port.
    /// `server` is the socketserver binary; `config` a file with the
    /// suite's `[limits]`.
    ///
    /// # Errors
    ///
    /// A message when nginx's folder cannot be written.
    pub fn launch(
        self,
        scenario: Scenario,
        args: &SuiteArgs,
        server: &Path,
        config: &Path,
    ) -> Result<Launch, String> {
        match self {
            Contender::Reference | Contender::Hyper => {
                Ok(Launch::announcing(Command::new(self.binary(args).expect("checked")), &["127.0.0.1:0"]))
            }
            Contender::Tokio => {
                let mut command = Command::new(self.binary(args).expect("checked"));
                if scenario.transport() == "udp" {
                    command.arg("--udp");
                } else if scenario == Scenario::AddressBook {
                    command.arg("--lines");
                }
                Ok(Launch::announcing(command, &["127.0.0.1:0"]))
            }
            Contender::Nginx => NginxSite::create(self.binary(args).expect("checked")).map(Launch::nginx),
            _ => Ok(Launch::logging(self.serve(scenario, args, server, config))),
        }
    }

    /// `socketserver serve` with this strategy.
    fn serve(self, scenario: Scenario, args: &SuiteArgs, server: &Path, config: &Path) -> Command {
        let workers = match self {
            Contender::Threads => Contender::thread_cap(args),
            _ => args.workers,
        };
        let mut command = Command::new(server);
        command.args([
            "serve",
            scenario.handler(),
            "--bind",
            "127.0.0.1:0",
            "--transport",
            scenario.transport(),
        ]);
        command.args(["--concurrency", self.name(), "--workers", &workers.to_string()]);
        // `info` for the `bound=` line; no access log, a line per request.
        command.arg("--config").arg(config).args(["--log-level", "info", "--no-access-log"]);
        command
    }
}
