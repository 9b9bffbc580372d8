//! `--concurrency threads` without `--workers` is Python's `ThreadingMixIn`:
//! a thread per connection with no cap of its own (the server's
//! `max_connections` bounds it). More slow clients than the pool's default
//! size (32) each hold a thread in the middle of a line, and a normal
//! client connecting after them is still answered at once.

mod cli_util;

use cli_util::{LineClient, Served};
use std::net::SocketAddr;

/// Slow clients, each holding a thread: more than the 32 a default pool has.
const SLOW: usize = 40;

#[test]
fn threads_without_workers_has_no_cap_of_32() {
    let served = Served::start(&["echo", "--bind", "127.0.0.1:0", "--concurrency", "threads"]);
    assert!(served.log().contains("strategy=threads (no cap)"), "{}", served.log());
    let addr: SocketAddr = served.bound.parse().unwrap();
    let mut slow: Vec<_> = (0..SLOW).map(|_| LineClient::tcp(addr)).collect();
    for (n, client) in slow.iter_mut().enumerate() {
        client.send(format!("slow {n}, half a line").as_bytes());
    }
    let mut normal = LineClient::tcp(addr);
    assert_eq!(normal.ask("normal"), "normal", "the client after {SLOW} slow ones is answered");
    for (n, client) in slow.iter_mut().enumerate() {
        assert_eq!(client.ask(" and the rest"), format!("slow {n}, half a line and the rest"));
    }
    drop((slow, normal));
    served.stop_cleanly();
}
