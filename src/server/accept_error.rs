//! Sorting accept errors: which to skip, which to back off from.

use std::io;
use std::time::{Duration, Instant};

/// What the serving loop does after an accept (or receive) error.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum AcceptError {
    /// Nothing more is waiting.
    Drained,
    /// One connection failed before it was ours (aborted, reset,
    /// interrupted): skip it and go on.
    Skip,
    /// The process or system is out of something (descriptors, buffers,
    /// memory): pause accepting, then try again.
    BackOff,
}

/// Sorts an accept error. Nothing here ends `serve_forever`: an error not
/// known to be harmless backs off, as a resource error does.
pub(crate) fn classify(err: &io::Error) -> AcceptError {
    use io::ErrorKind::*;
    match err.kind() {
        WouldBlock => return AcceptError::Drained,
        Interrupted | ConnectionAborted | ConnectionReset | ConnectionRefused | TimedOut => {
            return AcceptError::Skip
        }
        _ => {}
    }
    match err.raw_os_error() {
        Some(libc::EPROTO | libc::EPERM | libc::ENETDOWN | libc::ENOPROTOOPT | libc::EHOSTDOWN) => {
            AcceptError::Skip
        }
        Some(libc::ENONET | libc::EHOSTUNREACH | libc::EOPNOTSUPP | libc::ENETUNREACH) => AcceptError::Skip,
        _ => AcceptError::BackOff,
    }
}

/// A growing pause after resource errors: 10 ms doubling to 1 s, reset by
/// the next successful accept.
#[derive(Debug, Default)]
pub(crate) struct Backoff {
    delay: Option<Duration>,
    until: Option<Instant>,
}

const FIRST_PAUSE: Duration = Duration::from_millis(10);
const LONGEST_PAUSE: Duration = Duration::from_secs(1);

impl Backoff {
    /// Starts (or lengthens) a pause; returns its length.
    pub(crate) fn trip(&mut self) -> Duration {
        let delay = self.delay.map_or(FIRST_PAUSE, |d| (d * 2).min(LONGEST_PAUSE));
        self.delay = Some(delay);
        self.until = Some(Instant::now() + delay);
        delay
    }

    pub(crate) fn reset(&mut self) {
        self.delay = None;
    }

    /// When the running pause ends, if one runs.
    pub(crate) fn until(&self) -> Option<Instant> {
        self.until
    }

    /// Whether a pause was running and is over (it is then cleared).
    pub(crate) fn take_expired(&mut self) -> bool {
        match self.until {
            Some(until) if Instant::now() >= until => {
                self.until = None;
                true
            }
            _ => false,
        }
    }

    /// Whether accepts have failed since the last success: a pause is
    /// running, or one ran and no accept has succeeded since.
    pub(crate) fn is_backing_off(&self) -> bool {
        self.delay.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_are_skipped_and_resource_errors_back_off() {
        let skip = io::Error::from(io::ErrorKind::ConnectionAborted);
        assert_eq!(classify(&skip), AcceptError::Skip);
        let emfile = io::Error::from_raw_os_error(libc::EMFILE);
        assert_eq!(classify(&emfile), AcceptError::BackOff);
        let would_block = io::Error::from(io::ErrorKind::WouldBlock);
        assert_eq!(classify(&would_block), AcceptError::Drained);
    }

    #[test]
    fn pauses_double_up_to_a_second() {
        let mut backoff = Backoff::default();
        assert_eq!(backoff.trip(), FIRST_PAUSE);
        assert_eq!(backoff.trip(), FIRST_PAUSE * 2);
        for _ in 0..20 {
            backoff.trip();
        }
        assert_eq!(backoff.trip(), LONGEST_PAUSE);
        backoff.reset();
        assert_eq!(backoff.trip(), FIRST_PAUSE);
    }

    #[test]
    fn backing_off_lasts_past_the_pause_until_a_success() {
        let mut backoff = Backoff::default();
        assert!(!backoff.is_backing_off());
        backoff.trip();
        backoff.until = Some(Instant::now());
        assert!(backoff.take_expired());
        assert!(backoff.is_backing_off(), "the retry after a pause is still the same exhaustion");
        backoff.reset();
        assert!(!backoff.is_backing_off());
    }
}
