//! Driving a protocol on the connection's own thread: each wait is a
//! `poll(2)` on its one socket (and, between requests, on the server's
//! drain signal).

use super::{counts_in_flight, Wait, Wake};
use crate::request::Request;
use std::os::fd::RawFd;
use std::time::Instant;

/// How a connection's own thread learns that the server drains: a
/// descriptor that becomes readable when the drain begins (and stays
/// so), and the flag it stands for.
#[derive(Clone, Copy)]
pub(crate) struct DrainSignal<'a> {
    pub(crate) fd: RawFd,
    pub(crate) began: &'a dyn Fn() -> bool,
}

/// Runs a protocol's `step` on `request` until it closes, waiting on the
/// socket between steps; the socket is blocking again afterwards.
///
/// With a `drain` signal the wait between requests also wakes when the
/// server drains: the connection takes a [`Wake::Drain`] step (it reads
/// what may have come, serves it) and closes if still idle, while a
/// request under way runs on (the drain's cut-off ends its socket).
/// Returns, when the drain began before the connection closed, whether
/// it counted in flight (see [`counts_in_flight`]). Without a signal, a
/// shutdown ends the read side of the connection (the tracker does it),
/// which wakes a wait for bytes.
pub(crate) fn drive<R: Request>(
    request: &mut R,
    drain: Option<DrainSignal<'_>>,
    mut step: impl FnMut(&mut R, Wake) -> Wait,
) -> Option<bool> {
    let fd = request.raw_fd()?;
    request.set_nonblocking(true).ok()?;
    let draining = || drain.is_some_and(|drain| (drain.began)());
    let (mut wake, mut before, mut counted) = (Wake::Start, Wait::Idle(None), None);
    loop {
        let received = request.bytes_received();
        let wait = step(request, wake);
        if counted.is_none() && draining() {
            counted = Some(counts_in_flight(before, request.bytes_received() > received, wait));
        }
        before = wait;
        wake = match wait {
            Wait::Idle(_) if wake == Wake::Drain => break,
            Wait::Idle(_) if draining() => Wake::Drain,
            Wait::Idle(at) => poll(fd, libc::POLLIN, drain.map(|d| d.fd), at),
            Wait::Read(at) => poll(fd, libc::POLLIN, None, at),
            Wait::Linger(at) => poll(fd, libc::POLLIN, None, Some(at)),
            Wait::Write(at) => poll(fd, libc::POLLOUT, None, at),
            Wait::Yield => Wake::Ready,
            // A handler that wraps the protocol may write on after it.
            Wait::Close => break,
        };
    }
    let _ = request.set_nonblocking(false);
    counted
}

/// Waits until the socket has bytes to read (or is closed) or
/// `deadline` passes.
pub(crate) fn poll_readable(fd: RawFd, deadline: Option<Instant>) -> Wake {
    poll(fd, libc::POLLIN, None, deadline)
}

/// Waits until the socket is ready for `events`, the drain signal (if
/// given) is raised, or `deadline` passes.
fn poll(fd: RawFd, events: libc::c_short, drain: Option<RawFd>, deadline: Option<Instant>) -> Wake {
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
        let mut fds = [
            libc::pollfd { fd, events, revents: 0 },
            libc::pollfd { fd: drain.unwrap_or(-1), events: libc::POLLIN, revents: 0 },
        ];
        // SAFETY: two valid pollfds (a negative descriptor is ignored by
        // poll(2)); the connection's socket and the drain signal are open.
        match unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout) } {
            0 => continue,
            n if n > 0 && fds[0].revents != 0 => return Wake::Ready,
            n if n > 0 => return Wake::Drain,
            _ if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => continue,
            // A failing poll(2) on a valid descriptor cannot be waited
            // out; the step sees the socket's own error.
            _ => return Wake::Ready,
        }
    }
}
