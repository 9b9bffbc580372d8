//! `sd_notify(3)`: telling systemd (or the `--processes` supervisor) how
//! the server is doing, over the datagram socket named by
//! `NOTIFY_SOCKET`. Without that variable every call does nothing.
//!
//! Each message carries `MAINPID=` with this process's pid, so that the
//! supervisor knows which child became ready (systemd takes it as the
//! service's main pid, which it is).

use std::os::unix::net::UnixDatagram;

/// The server accepts connections.
pub const READY: &str = "READY=1";
/// The server began draining.
pub const STOPPING: &str = "STOPPING=1";
/// The server is reloading (the supervisor replaces its children).
pub const RELOADING: &str = "RELOADING=1";

/// Sends `state` (and `MAINPID=`) to `NOTIFY_SOCKET`, if it is set. A
/// failure is logged at `warn`, never fatal: the server serves anyway.
pub fn notify(state: &str) {
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else { return };
    let message = format!("{state}\nMAINPID={}\n", std::process::id());
    if let Err(err) = send(&path, message.as_bytes()) {
        log::warn!("cannot notify {} of {state}: {err}", path.to_string_lossy());
    }
}

/// Sends one datagram to the socket at `path` (`@name` is an abstract
/// socket, as systemd may give).
pub fn send(path: &std::ffi::OsStr, message: &[u8]) -> std::io::Result<usize> {
    let socket = UnixDatagram::unbound()?;
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path);
    match bytes.strip_prefix(b"@") {
        #[cfg(target_os = "linux")]
        Some(name) => {
            use std::os::linux::net::SocketAddrExt;
            let addr = std::os::unix::net::SocketAddr::from_abstract_name(name)?;
            socket.send_to_addr(message, &addr)
        }
        _ => socket.send_to(message, path),
    }
}
