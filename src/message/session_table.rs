//! Sessions of datagram peers, bounded in number and age.

use crate::Address;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Datagram sessions by peer address. A session is taken out while its
/// datagram is handled and put back after, so a slow handler holds no
/// lock. The table never holds more than `max` sessions: when full, expired
/// ones go first, then the least recently used.
#[derive(Debug)]
pub(crate) struct SessionTable<S> {
    sessions: Mutex<HashMap<Address, (S, Instant)>>,
    pub(crate) max: usize,
    pub(crate) ttl: Duration,
}

impl<S> SessionTable<S> {
    pub(crate) fn new(max: usize, ttl: Duration) -> SessionTable<S> {
        SessionTable { sessions: Mutex::new(HashMap::new()), max, ttl }
    }

    /// Runs `f` with `peer`'s session (opened with `open` if it has none or
    /// it expired); keeps the session afterwards when `f` says so.
    pub(crate) fn with<R>(
        &self,
        peer: &Address,
        open: impl FnOnce() -> S,
        f: impl FnOnce(&mut S) -> (R, bool),
    ) -> R {
        if std::mem::size_of::<S>() == 0 {
            return f(&mut open()).0;
        }
        let now = Instant::now();
        let found = self.sessions.lock().remove(peer);
        let mut session = match found {
            Some((session, used)) if now.duration_since(used) < self.ttl => session,
            _ => open(),
        };
        let (result, keep) = f(&mut session);
        if keep {
            self.put_back(peer, session);
        }
        result
    }

    fn put_back(&self, peer: &Address, session: S) {
        let mut sessions = self.sessions.lock();
        if sessions.len() >= self.max {
            let ttl = self.ttl;
            sessions.retain(|_, (_, used)| used.elapsed() < ttl);
        }
        if sessions.len() >= self.max {
            let oldest = sessions.iter().min_by_key(|(_, (_, used))| *used).map(|(peer, _)| peer.clone());
            if let Some(oldest) = oldest {
                sessions.remove(&oldest);
            }
        }
        sessions.insert(peer.clone(), (session, Instant::now()));
    }

    /// Sessions held now.
    pub(crate) fn len(&self) -> usize {
        self.sessions.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(port: u16) -> Address {
        Address::Inet(([127, 0, 0, 1], port).into())
    }

    #[test]
    fn sessions_persist_per_peer_and_stay_bounded() {
        let table = SessionTable::<u32>::new(3, Duration::from_secs(60));
        for port in 0..10 {
            table.with(
                &peer(port),
                || 0,
                |n| {
                    ((), {
                        *n += 1;
                        true
                    })
                },
            );
        }
        assert_eq!(table.len(), 3);
        let seen = table.with(&peer(9), || 0, |n| (*n, true));
        assert_eq!(seen, 1);
    }
}
