//! Where a supervised child serves its metrics, for its supervisor.

use crate::activation::SUPERVISOR_VAR;
use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// The variable that tells a child its slot number (1 to N).
pub const CHILD_VAR: &str = "SOCKETSERVER_CHILD";

/// The Unix socket of one supervised child's metrics:
/// `$TMPDIR/socketserver-PID-metrics/child-K.sock`, PID the supervisor's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildSocket {
    /// The child's slot, 1 to N.
    pub number: usize,
    /// The socket file.
    pub path: PathBuf,
}

impl ChildSocket {
    /// The directory of supervisor `pid`'s children's sockets.
    pub fn dir(pid: u32) -> PathBuf {
        std::env::temp_dir().join(format!("socketserver-{pid}-metrics"))
    }

    /// Child `number`'s socket under supervisor `pid`.
    pub fn of(pid: u32, number: usize) -> ChildSocket {
        ChildSocket { number, path: Self::dir(pid).join(format!("child-{number}.sock")) }
    }

    /// This process's socket, when a supervisor started it; read before
    /// `activation::take` clears the supervisor's variable.
    pub fn from_env() -> Option<ChildSocket> {
        let pid = std::env::var(SUPERVISOR_VAR).ok()?.parse().ok()?;
        let number = std::env::var(CHILD_VAR).ok()?.parse().ok()?;
        Some(ChildSocket::of(pid, number))
    }

    /// Makes the directory of this supervisor's children's sockets,
    /// private to its user (a stale one of an earlier process with the
    /// same pid is made anew).
    ///
    /// # Errors
    ///
    /// Fails when the directory cannot be made.
    pub fn make_dir(pid: u32) -> io::Result<PathBuf> {
        let dir = Self::dir(pid);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
        Ok(dir)
    }

    /// Removes the directory `make_dir` made.
    pub fn remove_dir(dir: &Path) {
        let _ = std::fs::remove_dir_all(dir);
    }
}
