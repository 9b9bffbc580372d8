//! Driving a protocol on the connection's own thread: each wait is a
//! `poll(2)` on its one socket.

use super::{Wait, Wake};
use crate::request::Request;
use std::os::fd::RawFd;
use std::time::Instant;

/// Runs a protocol's `step` on `request` until it closes, waiting on the
/// socket between steps; the socket is blocking again afterwards. A shutdown of the server ends the read side of
/// the connection (the tracker does it), which wakes a wait for bytes.
pub(crate) fn drive<R: Request>(request: &mut R, mut step: impl FnMut(&mut R, Wake) -> Wait) {
    let Some(fd) = request.raw_fd() else { return };
    if request.set_nonblocking(true).is_err() {
        return;
    }
    let mut wake = Wake::Start;
    loop {
        let wait = step(request, wake);
        wake = match wait {
            // A handler that wraps the protocol may write on after it.
            Wait::Close => return drop(request.set_nonblocking(false)),
            Wait::Idle(_) | Wait::Read(_) => poll(fd, libc::POLLIN, wait.deadline()),
            Wait::Write(_) => poll(fd, libc::POLLOUT, wait.deadline()),
        };
    }
}

/// Waits until the socket has bytes to read (or is closed) or
/// `deadline` passes.
pub(crate) fn poll_readable(fd: RawFd, deadline: Option<Instant>) -> Wake {
    poll(fd, libc::POLLIN, deadline)
}

/// Waits until the socket is ready for `events` or `deadline` passes.
fn poll(fd: RawFd, events: libc::c_short, deadline: Option<Instant>) -> Wake {
    loop {
        let timeout = match deadline {
            None => -1,
            Some(at) => {
                let left = at.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Wake::TimedOut;
                }
                // Rounded up, so the wait never ends before the deadline.
                left.as_micros().div_ceil(1000).min(i32::MAX as u128) as libc::c_int
            }
        };
        let mut pollfd = libc::pollfd { fd, events, revents: 0 };
        // SAFETY: one valid pollfd for the connection's open socket.
        match unsafe { libc::poll(&mut pollfd, 1, timeout) } {
            0 => continue,
            n if n > 0 => return Wake::Ready,
            _ if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => continue,
            // A failing poll(2) on a valid descriptor cannot be waited
            // out; the step sees the socket's own error.
            _ => return Wake::Ready,
        }
    }
}
