//! Sessions of datagram peers, bounded in number and age.

use crate::Address;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Datagram sessions by peer address, bounded in number: when full, expired
/// sessions go first, then the least recently used. Each session has its own
/// lock, held while one of its datagrams is handled, so datagrams from one
/// peer are handled one at a time, in turn, while other peers proceed.
#[derive(Debug)]
pub(crate) struct SessionTable<S> {
    sessions: Mutex<HashMap<Address, Arc<Mutex<Entry<S>>>>>,
    pub(crate) max: usize,
    pub(crate) ttl: Duration,
}

#[derive(Debug)]
struct Entry<S> {
    session: Option<S>,
    used: Instant,
}

impl<S> SessionTable<S> {
    pub(crate) fn new(max: usize, ttl: Duration) -> SessionTable<S> {
        SessionTable { sessions: Mutex::new(HashMap::new()), max, ttl }
    }

    /// Runs `f` with `peer`'s session (opened with `open` if it has none or
    /// it expired); ends the session afterwards unless `f` says to keep it.
    pub(crate) fn with<R>(
        &self,
        peer: &Address,
        open: impl FnOnce() -> S,
        f: impl FnOnce(&mut S) -> (R, bool),
    ) -> R {
        if std::mem::size_of::<S>() == 0 {
            return f(&mut open()).0;
        }
        let slot = self.slot(peer);
        let mut entry = slot.lock();
        if entry.used.elapsed() >= self.ttl {
            entry.session = None;
        }
        let session = entry.session.get_or_insert_with(open);
        let (result, keep) = f(session);
        entry.used = Instant::now();
        if !keep {
            entry.session = None;
            drop(entry);
            self.forget(peer, &slot);
        }
        result
    }

    /// The peer's entry, created (making room first) if it has none.
    fn slot(&self, peer: &Address) -> Arc<Mutex<Entry<S>>> {
        let mut sessions = self.sessions.lock();
        if let Some(slot) = sessions.get(peer) {
            return Arc::clone(slot);
        }
        if sessions.len() >= self.max {
            self.make_room(&mut sessions);
        }
        let slot = Arc::new(Mutex::new(Entry { session: None, used: Instant::now() }));
        sessions.insert(peer.clone(), Arc::clone(&slot));
        slot
    }

    /// Drops expired sessions, or else the least recently used one.
    /// Sessions busy handling a datagram are left alone.
    fn make_room(&self, sessions: &mut HashMap<Address, Arc<Mutex<Entry<S>>>>) {
        let used = |slot: &Arc<Mutex<Entry<S>>>| slot.try_lock().map(|entry| entry.used);
        let ttl = self.ttl;
        sessions.retain(|_, slot| used(slot).is_none_or(|used| used.elapsed() < ttl));
        if sessions.len() >= self.max {
            let oldest = sessions
                .iter()
                .filter_map(|(peer, slot)| used(slot).map(|used| (used, peer.clone())))
                .min_by_key(|(used, _)| *used);
            if let Some((_, peer)) = oldest {
                sessions.remove(&peer);
            }
        }
    }

    fn forget(&self, peer: &Address, slot: &Arc<Mutex<Entry<S>>>) {
        let mut sessions = self.sessions.lock();
        if sessions.get(peer).is_some_and(|current| Arc::ptr_eq(current, slot)) {
            sessions.remove(peer);
        }
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

    #[test]
    fn one_peer_datagrams_handled_at_once_share_one_session() {
        let table = std::sync::Arc::new(SessionTable::<u32>::new(10, Duration::from_secs(60)));
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let table = std::sync::Arc::clone(&table);
                std::thread::spawn(move || {
                    for _ in 0..500 {
                        table.with(
                            &peer(1),
                            || 0,
                            |n| {
                                ((), {
                                    *n += 1;
                                    true
                                })
                            },
                        );
                    }
                })
            })
            .collect();
        workers.into_iter().for_each(|worker| worker.join().unwrap());
        assert_eq!(table.with(&peer(1), || 0, |n| (*n, true)), 2000);
    }

    #[test]
    fn a_closed_session_starts_afresh() {
        let table = SessionTable::<u32>::new(10, Duration::from_secs(60));
        table.with(
            &peer(1),
            || 0,
            |n| {
                ((), {
                    *n = 5;
                    false
                })
            },
        );
        assert_eq!(table.len(), 0);
        assert_eq!(table.with(&peer(1), || 0, |n| (*n, true)), 0);
    }
}
