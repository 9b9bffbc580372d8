//! One server process of the supervisor: the binary re-executed with the
//! same arguments, the listening socket as descriptor 3, and the
//! environment of a socket-activated server (see `activation`).

use crate::activation::{LISTEN_FDS_START, SUPERVISOR_VAR};
use crate::metrics::CHILD_VAR;
use std::io;
use std::os::fd::RawFd;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A running child.
#[derive(Debug)]
pub struct Child {
    process: std::process::Child,
    /// Its process slot, 1 to N: "child 2".
    pub number: usize,
    /// When it started.
    pub started: Instant,
    /// It said `READY=1`.
    pub ready: bool,
}

impl Child {
    /// Starts child `number` serving `listener`, reporting readiness to
    /// the datagram socket at `notify`.
    ///
    /// # Errors
    ///
    /// Fails when the binary cannot be found or started.
    pub fn spawn(number: usize, listener: RawFd, notify: &Path) -> io::Result<Child> {
        let mut command = Command::new(std::env::current_exe()?);
        command
            .args(std::env::args_os().skip(1))
            .env(SUPERVISOR_VAR, std::process::id().to_string())
            .env(CHILD_VAR, number.to_string())
            .env("LISTEN_FDS", "1")
            .env_remove("LISTEN_PID")
            .env_remove("LISTEN_FDNAMES")
            .env("NOTIFY_SOCKET", notify)
            .stdin(Stdio::null())
            // Its own process group: a terminal's Ctrl-C reaches the
            // supervisor alone, which drains the children once.
            .process_group(0);
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe { command.pre_exec(move || inherit(listener)) };
        let process = command.spawn()?;
        Ok(Child { process, number, started: Instant::now(), ready: false })
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.process.id()
    }

    /// Sends it `signal` (SIGTERM: drain and exit).
    pub fn signal(&self, signal: i32) {
        // SAFETY: a plain kill(2) of our own unreaped child.
        unsafe { libc::kill(self.pid() as libc::pid_t, signal) };
    }

    /// Its exit status, if it has exited (reaping it).
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.process.try_wait().ok().flatten()
    }

    /// How long it has run.
    pub fn lived(&self) -> Duration {
        self.started.elapsed()
    }
}

/// In the child, before exec: the listener becomes descriptor 3 (without
/// close-on-exec), and the child is told to end if the supervisor dies.
fn inherit(listener: RawFd) -> io::Result<()> {
    // SAFETY: dup2, fcntl and prctl are async-signal-safe.
    unsafe {
        if listener == LISTEN_FDS_START {
            if libc::fcntl(listener, libc::F_SETFD, 0) == -1 {
                return Err(io::Error::last_os_error());
            }
        } else if libc::dup2(listener, LISTEN_FDS_START) == -1 {
            return Err(io::Error::last_os_error());
        }
        #[cfg(target_os = "linux")]
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
    }
    Ok(())
}
