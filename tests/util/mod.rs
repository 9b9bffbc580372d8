//! The integration tests' harness, one concern a file: how long a test
//! waits ([`PATIENCE`]), a server on a thread ([`serve`]), the one bounded
//! poll ([`wait_until`]), temporary directories, log capture, clients,
//! and what `/proc` says about this process.
//!
//! Nothing here sleeps to synchronise: threads meet on channels, and the
//! only polling ([`eventually`]) has an upper bound.
//!
//! `patience.rs`, `poll.rs`, `temp.rs`, `process.rs`, `clients.rs`,
//! `http_client.rs` and `fd_limit.rs` use std, crossbeam and libc only:
//! the command line's tests (`cli/tests/cli_util`) include them by path,
//! so both suites wait the same [`PATIENCE`] the same way.

#![allow(dead_code, unused_imports)]

mod clients;
mod fd_limit;
mod fixtures;
#[cfg(feature = "http")]
mod http;
mod http_client;
mod logs;
mod patience;
mod poll;
mod process;
mod serving;
mod temp;
#[cfg(feature = "tls")]
pub mod tls;

pub use clients::{DatagramClient, LineClient};
pub use fd_limit::raise_fd_limit;
pub use fixtures::{Gate, Upper};
#[cfg(feature = "http")]
pub use http::{serve_http, HttpServing};
pub use http_client::{exchange, refused, Client, Response};
pub use logs::{capture_logs, logged_at_least, logs, quiet_panics};
pub use patience::{PATIENCE, PROMPT};
pub use poll::{eventually, wait_until};
pub use process::{rss_kib, rss_kib_of, thread_count, threads_named, wait_no_threads_named};
pub use serving::{serve, serve_as, AnyServing, Serving, LOCAL};
pub use temp::{unique, TempDir};
