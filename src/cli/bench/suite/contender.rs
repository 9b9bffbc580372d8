//! The servers compared: the reference and each bundled strategy.

use super::bound_on::BoundOn;
use super::scenario::Scenario;
use super::SuiteArgs;
use std::path::Path;
use std::process::Command;

/// A server under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contender {
    /// benches/reference_echo.rs: std::net, a thread per connection.
    Reference,
    /// `--concurrency single`.
    Single,
    /// `--concurrency threads`, capped high enough for the idle scenario.
    Threads,
    /// `--concurrency pool`.
    Pool,
}

impl Contender {
    /// Every contender, in table order.
    pub const ALL: [Contender; 4] =
        [Contender::Reference, Contender::Single, Contender::Threads, Contender::Pool];

    /// Name in the table.
    pub fn name(self) -> &'static str {
        match self {
            Contender::Reference => "reference",
            Contender::Single => "single",
            Contender::Threads => "threads",
            Contender::Pool => "pool",
        }
    }

    /// The thread cap given to `threads`: enough for every scenario's
    /// connections at once.
    pub fn thread_cap(args: &SuiteArgs) -> u32 {
        args.idle.max(args.rss_conns) + 256
    }

    /// The command that starts this server for `scenario` on 127.0.0.1:0,
    /// and where it announces its address. `server` is the socketserver
    /// binary; `config` a file with the suite's `[limits]`.
    pub fn command(
        self,
        scenario: Scenario,
        args: &SuiteArgs,
        server: &Path,
        config: &Path,
    ) -> (Command, BoundOn) {
        if self == Contender::Reference {
            let mut command = Command::new(&args.reference);
            command.arg("127.0.0.1:0");
            return (command, BoundOn::Stdout);
        }
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
        command.arg("--config").arg(config).args(["--log-level", "info"]);
        (command, BoundOn::Stderr)
    }
}
