//! The binary's allocator: glibc's malloc, tuned at start (the library
//! sets nothing: a program that uses it keeps its own allocator).
//!
//! Measured under a flood of long lines (1000 clients, each sending a
//! 10 MB line with no newline to `serve address-book`, rounds of 10 s;
//! `scripts/flood_rss.py`, figures in `docs/benchmark-hostile.md`): with
//! glibc's defaults the resident memory after each round climbed from 54
//! to 227 MiB, because the 64 KiB read buffers of a thousand connections
//! are freed into per-thread arenas that keep the pages. Serving
//! allocations of 64 KiB and more from their own mappings, returned to
//! the system on free, keeps it flat; smaller ones (an idle connection's
//! state, 8 KiB read buffers) stay in the arenas, so the common request
//! pays no system call. jemalloc (with a background purging thread) did
//! as well, mimalloc worse; glibc needs no C build and no dependency.

/// Allocations from this size on get a mapping of their own.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 64 * 1024;

/// Tunes the allocator; call first, before any thread starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn tune() {
    // SAFETY: mallopt only sets a parameter of glibc's allocator, and no
    // other thread allocates yet.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}

/// Other platforms keep their allocator as it is.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn tune() {}
