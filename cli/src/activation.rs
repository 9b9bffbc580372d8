//! Listening sockets inherited instead of bound: systemd's socket
//! activation (`LISTEN_FDS`, `LISTEN_PID`, descriptors from 3 on; see
//! `sd_listen_fds(3)`) and `serve --processes`, whose children inherit the
//! supervisor's socket the same way.
//!
//! systemd sets `LISTEN_PID` to the pid of the process it starts, so a
//! descriptor meant for another process is never taken. A supervisor
//! cannot know a child's pid before the child exists (and setting the
//! variable between `fork` and `exec` is not safe in a threaded process),
//! so its children get `SOCKETSERVER_SUPERVISOR` set to the supervisor's
//! pid instead of `LISTEN_PID`: the descriptors are taken when that pid is
//! the parent's. The variables are removed once read, so nothing the
//! server starts later inherits them.

use crate::error::CliError;
use crate::transport_kind::TransportKind;
use socket2::{Domain, SockRef, Type};
use std::cell::Cell;
use std::fmt;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};

/// The first inherited descriptor (`SD_LISTEN_FDS_START`).
pub const LISTEN_FDS_START: RawFd = 3;
/// The variable a supervisor sets, in place of `LISTEN_PID`, to its pid.
pub const SUPERVISOR_VAR: &str = "SOCKETSERVER_SUPERVISOR";

/// A listening socket inherited from systemd or the supervisor.
#[derive(Debug)]
pub enum Listener {
    /// A TCP socket (IPv4 or IPv6).
    Tcp(std::net::TcpListener),
    /// A Unix stream socket.
    Unix(std::os::unix::net::UnixListener),
}

impl Listener {
    /// The transport it is.
    pub fn transport(&self) -> TransportKind {
        match self {
            Listener::Tcp(_) => TransportKind::Tcp,
            Listener::Unix(_) => TransportKind::Unix,
        }
    }
}

/// The inherited listener, if any, until the server takes it.
#[derive(Default)]
pub struct Inherited(Cell<Option<Listener>>);

impl Inherited {
    /// Takes the listener (once).
    pub fn take(&self) -> Option<Listener> {
        self.0.take()
    }
}

impl fmt::Debug for Inherited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Inherited(..)")
    }
}

/// Whether this process was started by a `serve --processes` supervisor.
pub fn supervised() -> bool {
    std::env::var_os(SUPERVISOR_VAR).is_some()
}

/// Takes the listening socket this process inherited, if the environment
/// names one for it.
///
/// # Errors
///
/// A usage error when the variables are malformed, name more than one
/// socket, or name one that is not a listening stream socket.
pub fn take() -> Result<Inherited, CliError> {
    let count = match std::env::var("LISTEN_FDS") {
        Ok(count) => count,
        Err(_) => return Ok(Inherited::default()),
    };
    let ours = meant_for_us()?;
    for name in ["LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", SUPERVISOR_VAR] {
        std::env::remove_var(name);
    }
    if !ours {
        return Ok(Inherited::default());
    }
    let count: u32 = count.parse().map_err(|_| {
        CliError::usage(format!("LISTEN_FDS=`{count}`: expected the number of inherited sockets, such as 1"))
    })?;
    match count {
        0 => Ok(Inherited::default()),
        1 => listener(LISTEN_FDS_START).map(|listener| Inherited(Cell::new(Some(listener)))),
        n => Err(CliError::usage(format!(
            "LISTEN_FDS={n}: this server listens on one socket; give its .socket unit one Listen line"
        ))),
    }
}

/// Whether `LISTEN_PID` is this process, or the supervisor variable its
/// parent.
fn meant_for_us() -> Result<bool, CliError> {
    let pid_of = |name: &str| -> Result<Option<u32>, CliError> {
        match std::env::var(name) {
            Err(_) => Ok(None),
            Ok(text) => text.parse().map(Some).map_err(|_| {
                CliError::usage(format!("{name}=`{text}`: expected a process id, such as 1234"))
            }),
        }
    };
    if let Some(pid) = pid_of("LISTEN_PID")? {
        return Ok(pid == std::process::id());
    }
    Ok(pid_of(SUPERVISOR_VAR)?.is_some_and(|pid| pid == std::os::unix::process::parent_id()))
}

/// The listening stream socket at `fd`, checked and marked close-on-exec.
fn listener(fd: RawFd) -> Result<Listener, CliError> {
    let bad = |why: String| CliError::usage(format!("inherited socket {fd} (LISTEN_FDS): {why}"));
    // SAFETY: F_GETFD only asks whether the descriptor is open.
    if unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1 {
        return Err(bad("no such open descriptor".to_string()));
    }
    // SAFETY: the environment says `fd` was passed to this process, and
    // nothing else in it owns the descriptor.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    let socket = SockRef::from(&owned);
    let kind = socket.r#type().map_err(|err| bad(format!("not a socket: {err}")))?;
    let listening = socket.is_listener().unwrap_or(false);
    if kind != Type::STREAM || !listening {
        return Err(bad(
            "not a listening stream socket; accepted: a ListenStream= socket (TCP or a Unix path)"
                .to_string(),
        ));
    }
    let domain = socket.domain().map_err(|err| bad(err.to_string()))?;
    let _ = socket.set_cloexec(true);
    match domain {
        Domain::IPV4 | Domain::IPV6 => Ok(Listener::Tcp(owned.into())),
        Domain::UNIX => Ok(Listener::Unix(owned.into())),
        _ => Err(bad("of an unknown family; accepted: TCP or a Unix stream socket".to_string())),
    }
}
