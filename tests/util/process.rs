//! What a process holds: its threads and its resident memory, read from
//! `/proc` (the CLI's `cli_util` includes this file by path).

use super::wait_until;
use std::fmt::Display;

/// Threads in this process now.
pub fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task").expect("/proc/self/task").count()
}

/// Threads of this process whose name starts with `prefix`.
pub fn threads_named(prefix: &str) -> usize {
    let tasks = std::fs::read_dir("/proc/self/task").expect("/proc/self/task");
    tasks
        .filter_map(Result::ok)
        .filter_map(|task| std::fs::read_to_string(task.path().join("comm")).ok())
        .filter(|comm| comm.trim_end().starts_with(prefix))
        .count()
}

/// Waits until no thread of this process has a name starting with
/// `prefix`. A thread already joined can linger in `/proc` for a moment
/// while the kernel reaps it, hence the (bounded) wait.
pub fn wait_no_threads_named(prefix: &str) {
    wait_until(&format!("threads named {prefix}* to end"), || threads_named(prefix) == 0);
}

/// Resident memory of this process, in KiB.
pub fn rss_kib() -> u64 {
    rss_kib_of("self")
}

/// Resident memory of process `pid` (a number, or `self`), in KiB:
/// `VmRSS` in `/proc/PID/status`.
pub fn rss_kib_of(pid: impl Display) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/PID/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/PID/status")
}
