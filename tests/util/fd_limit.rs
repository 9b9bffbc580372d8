//! The open-files limit, for tests that hold thousands of connections.

/// Raises this process's soft limit on open files to its hard limit (at
/// most `wanted`); returns the limit now in force.
pub fn raise_fd_limit(wanted: libc::rlim_t) -> libc::rlim_t {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: `limit` is a valid rlimit to read into and from.
    unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    let target = wanted.min(limit.rlim_max);
    if limit.rlim_cur < target {
        limit.rlim_cur = target;
        unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) };
        unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    }
    limit.rlim_cur
}
