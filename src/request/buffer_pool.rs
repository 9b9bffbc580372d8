//! Buffers given back by waiting connections, kept per thread for the
//! next connection that has bytes to read or write.
//!
//! A connection that waits gives its buffers back (so an idle connection
//! costs no buffer), and one with traffic takes one again for each step:
//! without this, a busy connection would pay an allocation (and zeroing)
//! per request. Each thread keeps a few of each kind, so the memory this
//! holds is bounded by the threads, not the connections.
//!
//! Read and write buffers are kept apart: a read buffer comes back with
//! its bytes initialised (its length is its size, which a read needs), a
//! write buffer comes back cleared. Mixed in one pool, a connection's
//! input would take the last reply's cleared buffer and zero it again on
//! every request (the profile of keep-alive HTTP showed `memset` at 27% of
//! the server's instructions).

use std::cell::RefCell;

/// Most buffers of each kind a thread keeps.
const KEPT: usize = 4;
/// Largest buffer kept; larger ones are freed. A full read buffer of the
/// default limits (64 KiB and a few bytes of framing) fits.
const LARGEST: usize = 80 * 1024;
/// Most bytes of each kind a thread keeps: four small buffers, or two
/// large ones. With 32 workers the pools hold at most 10 MiB (they held
/// up to 64 MiB at 4 x 256 KiB of each kind, filled over time by a flood
/// of long lines, issue 18).
const BUDGET: usize = 160 * 1024;

/// The two kinds of buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pool {
    /// Input: kept with its bytes initialised.
    Read,
    /// Output: kept cleared.
    Write,
}

thread_local! {
    static READ: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
    static WRITE: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

fn kept<T>(pool: Pool, f: impl FnOnce(&mut Vec<Vec<u8>>) -> T) -> T {
    let key = match pool {
        Pool::Read => &READ,
        Pool::Write => &WRITE,
    };
    key.with(|kept| f(&mut kept.borrow_mut()))
}

/// A buffer of at least `capacity` from `pool`, or a new one.
pub(crate) fn take(pool: Pool, capacity: usize) -> Vec<u8> {
    let found = kept(pool, |kept| {
        let found = kept.iter().position(|buf| buf.capacity() >= capacity)?;
        Some(kept.swap_remove(found))
    });
    found.unwrap_or_else(|| Vec::with_capacity(capacity))
}

/// Keeps `buf` for a later [`take`] from `pool`, unless the pool is full
/// (in count or bytes) or the buffer too large (or empty).
pub(crate) fn give(pool: Pool, buf: Vec<u8>) {
    if buf.capacity() == 0 || buf.capacity() > LARGEST {
        return;
    }
    kept(pool, |kept| {
        let bytes: usize = kept.iter().map(Vec::capacity).sum();
        if kept.len() < KEPT && bytes + buf.capacity() <= BUDGET {
            kept.push(buf);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_given_buffer_comes_back_with_its_capacity() {
        let buf = Vec::with_capacity(64 * 1024);
        let at = buf.as_ptr();
        give(Pool::Read, buf);
        let again = take(Pool::Read, 32 * 1024);
        assert_eq!(again.as_ptr(), at);
        assert!(take(Pool::Read, 1).capacity() >= 1, "an empty pool still gives a buffer");
    }

    #[test]
    fn the_pool_is_bounded() {
        for _ in 0..KEPT + 4 {
            give(Pool::Write, Vec::with_capacity(16));
        }
        give(Pool::Write, Vec::with_capacity(LARGEST + 1));
        kept(Pool::Write, |kept| assert!(kept.len() <= KEPT));
        kept(Pool::Write, |kept| assert!(kept.iter().all(|b| b.capacity() <= LARGEST)));
    }

    #[test]
    fn the_pool_keeps_at_most_its_budget_of_bytes() {
        for _ in 0..KEPT {
            give(Pool::Read, Vec::with_capacity(65_547));
        }
        let (count, bytes) =
            kept(Pool::Read, |kept| (kept.len(), kept.iter().map(Vec::capacity).sum::<usize>()));
        assert_eq!((count, bytes), (2, 2 * 65_547), "two full read buffers of the default limits");
    }

    #[test]
    fn a_reply_buffer_is_never_taken_for_input() {
        give(Pool::Write, Vec::with_capacity(64 * 1024));
        assert_eq!(take(Pool::Read, 1024).capacity(), 1024, "a new buffer, not the kept reply buffer");
    }
}
