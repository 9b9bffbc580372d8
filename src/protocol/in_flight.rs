//! The one rule by which a drain counts a connection in flight.

use super::Wait;

/// Whether a connection counts in flight for a drain, judged by its
/// first step that ends after the drain began: what it waited for
/// before that step, whether bytes came from the client during it, and
/// what it waits for after.
///
/// A request was under way if the connection was reading or writing one
/// before, or is after, or if bytes came during the step (a request that
/// arrived and was answered at once, or refused). Bytes a lingering
/// connection reads are what the client sent after its last answer, and
/// are dropped: not a request.
pub(crate) fn counts_in_flight(before: Wait, received: bool, after: Wait) -> bool {
    before.in_request() || after.in_request() || (received && !matches!(before, Wait::Linger(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_between_requests_counts_only_if_bytes_came() {
        assert!(!counts_in_flight(Wait::Idle(None), false, Wait::Idle(None)));
        assert!(!counts_in_flight(Wait::Idle(None), false, Wait::Close));
        assert!(counts_in_flight(Wait::Idle(None), true, Wait::Idle(None)));
        assert!(counts_in_flight(Wait::Read(None), false, Wait::Close));
        assert!(counts_in_flight(Wait::Idle(None), false, Wait::Write(None)));
        let linger = Wait::Linger(std::time::Instant::now());
        assert!(!counts_in_flight(linger, true, Wait::Close));
        assert!(counts_in_flight(Wait::Idle(None), true, linger));
    }
}
