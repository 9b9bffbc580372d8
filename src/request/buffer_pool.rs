//! Buffers given back by waiting connections, kept per thread for the
//! next connection that has bytes to read or write.
//!
//! A connection that waits gives its buffers back (so an idle connection
//! costs no buffer), and one with traffic takes one again for each step:
//! without this, a busy connection would pay an allocation (and zeroing)
//! per request. Each thread keeps a few, so the memory this holds is
//! bounded by the threads, not the connections.

use std::cell::RefCell;

/// Most buffers a thread keeps.
const KEPT: usize = 4;
/// Largest buffer kept; larger ones are freed. A thread keeps at most
/// 1 MiB so.
const LARGEST: usize = 256 * 1024;

thread_local! {
    static KEPT_BUFFERS: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

/// A buffer of at least `capacity` bytes of capacity; its length and
/// contents are whatever its last user left.
pub(crate) fn take(capacity: usize) -> Vec<u8> {
    let kept = KEPT_BUFFERS.with(|kept| {
        let mut kept = kept.borrow_mut();
        let found = kept.iter().position(|buf| buf.capacity() >= capacity)?;
        Some(kept.swap_remove(found))
    });
    kept.unwrap_or_else(|| Vec::with_capacity(capacity))
}

/// Gives a buffer back for a later [`take`] on this thread.
pub(crate) fn give(buf: Vec<u8>) {
    if buf.capacity() == 0 || buf.capacity() > LARGEST {
        return;
    }
    KEPT_BUFFERS.with(|kept| {
        let mut kept = kept.borrow_mut();
        if kept.len() < KEPT {
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
        give(buf);
        let again = take(32 * 1024);
        assert_eq!(again.as_ptr(), at);
        assert!(take(1).capacity() >= 1, "an empty pool still gives a buffer");
    }

    #[test]
    fn the_pool_is_bounded() {
        for _ in 0..KEPT + 4 {
            give(Vec::with_capacity(16));
        }
        give(Vec::with_capacity(LARGEST + 1));
        KEPT_BUFFERS.with(|kept| assert!(kept.borrow().len() <= KEPT));
        KEPT_BUFFERS.with(|kept| assert!(kept.borrow().iter().all(|b| b.capacity() <= LARGEST)));
    }
}
