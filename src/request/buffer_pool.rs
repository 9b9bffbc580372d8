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

/// A buffer of at least `capacity` from `pool` (the smallest such), or a
/// new one.
pub(crate) fn take(pool: Pool, capacity: usize) -> Vec<u8> {
    let found = kept(pool, |kept| {
        let found = kept.iter().rposition(|buf| buf.capacity() >= capacity)?;
        Some(kept.swap_remove(found))
    });
    found.unwrap_or_else(|| Vec::with_capacity(capacity))
}

/// Keeps `buf` for a later [`take`] from `pool`, unless it is too large
/// (or empty). A full pool (in count or bytes) keeps its largest buffers:
/// smaller ones make way for a larger one.
///
/// A connection whose messages grow gives back each buffer it outgrew (8,
/// 16, 32, 64 KiB); kept first come first served, those filled the pool
/// for good, and every 64 KiB message then paid for a new buffer, which
/// the binary's allocator maps and unmaps from that size on (echo-64k
/// under `threads` and `pool` ran at a third of its rate).
pub(crate) fn give(pool: Pool, buf: Vec<u8>) {
    if buf.capacity() == 0 || buf.capacity() > LARGEST {
        return;
    }
    kept(pool, |kept| {
        kept.push(buf);
        // Largest first; `take` looks from the end for the smallest fit.
        kept.sort_unstable_by_key(|buf| std::cmp::Reverse(buf.capacity()));
        let mut bytes = 0;
        let fit = kept.iter().take(KEPT).take_while(|buf| {
            bytes += buf.capacity();
            bytes <= BUDGET
        });
        let fit = fit.count();
        kept.truncate(fit);
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
    fn outgrown_buffers_make_way_for_the_larger_one() {
        for capacity in [8 * 1024, 16 * 1024, 32 * 1024, 64 * 1024] {
            give(Pool::Read, Vec::with_capacity(capacity));
        }
        let large = Vec::with_capacity(64 * 1024 + 1);
        let at = large.as_ptr();
        give(Pool::Read, large);
        let again = take(Pool::Read, 64 * 1024 + 1);
        assert_eq!(again.as_ptr(), at, "the largest buffer was not kept");
        kept(Pool::Read, |kept| {
            assert!(kept.iter().map(Vec::capacity).sum::<usize>() <= BUDGET);
            assert!(kept.len() <= KEPT);
        });
    }

    #[test]
    fn the_smallest_buffer_that_fits_is_taken() {
        give(Pool::Write, Vec::with_capacity(64 * 1024));
        give(Pool::Write, Vec::with_capacity(8 * 1024));
        assert_eq!(take(Pool::Write, 1024).capacity(), 8 * 1024);
        assert_eq!(take(Pool::Write, 1024).capacity(), 64 * 1024);
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
