//! How a server under test is started and how it says where it listens.

use super::bound_on::BoundOn;
use super::nginx::NginxSite;
use std::process::Command;

/// A server's command line, where its address shows, and what must live
/// as long as it runs (nginx's folder).
#[derive(Debug)]
pub struct Launch {
    /// The command.
    pub command: Command,
    /// Where its address shows.
    pub bound_on: BoundOn,
    /// nginx's configuration folder, removed when dropped.
    pub site: Option<NginxSite>,
}

impl Launch {
    /// A server printing `bound=ADDR` on stdout, run with `args`.
    pub fn announcing(mut command: Command, args: &[&str]) -> Launch {
        command.args(args);
        Launch { command, bound_on: BoundOn::Stdout, site: None }
    }

    /// A bundled server, logging `bound=ADDR` on stderr.
    pub fn logging(command: Command) -> Launch {
        Launch { command, bound_on: BoundOn::Stderr, site: None }
    }

    /// nginx on the port its site was written for.
    pub fn nginx(site: NginxSite) -> Launch {
        Launch { command: site.command(), bound_on: BoundOn::Port(site.addr()), site: Some(site) }
    }

    /// Runs the server under `taskset -c cpus`.
    pub fn pinned(mut self, cpus: Option<&str>) -> Launch {
        if let Some(cpus) = cpus {
            let mut taskset = Command::new("taskset");
            taskset.args(["-c", cpus]).arg(self.command.get_program()).args(self.command.get_args());
            self.command = taskset;
        }
        self
    }
}
