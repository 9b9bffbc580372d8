//! Restarting with SO_REUSEPORT: a new `serve --reuse-port` binds beside
//! the running one on the same port, then the old one drains on SIGTERM;
//! a load running throughout sees no failed request, one connection per
//! request or keep-alive (the old server's idle connections wait out the
//! drain's grace and answer with `Connection: close`).

mod cli_util;

use cli_util::{Load, Served, PATIENCE};
use std::net::SocketAddr;

/// Every strategy hands its last connections over: the pool's loops, the
/// single thread's, and the thread per connection of `threads`.
#[test]
fn a_new_process_binds_beside_the_old_and_nothing_fails() {
    for concurrency in ["pool", "single", "threads"] {
        restart_beside(concurrency);
    }
}

fn restart_beside(concurrency: &str) {
    let old = Served::start(&["http", "--bind", "127.0.0.1:0", "--reuse-port", "--concurrency", concurrency]);
    let addr: SocketAddr = old.bound.parse().unwrap();
    let load = Load::start(addr, 4, "/", None);
    let kept = Load::keep_alive(addr, 8, "/");
    load.wait_for_more(200, PATIENCE);
    kept.wait_for_more(200, PATIENCE);
    let mut new =
        Served::start(&["http", "--bind", &old.bound, "--reuse-port", "--concurrency", concurrency]);
    assert_eq!(new.bound, old.bound);
    let old_log = old.stop_cleanly();
    load.wait_for_more(200, PATIENCE);
    kept.wait_for_more(200, PATIENCE);
    load.finish().assert_none_failed();
    kept.finish().assert_none_failed();
    assert!(old_log.contains("\"GET / HTTP/1.1\" 200"), "the old server served:\n{old_log}");
    new.wait_for_log(PATIENCE, |line| line.contains("\"GET / HTTP/1.1\" 200"))
        .expect("the new server served");
    new.stop_cleanly();
}

#[test]
fn without_reuse_port_the_second_bind_is_refused() {
    let first = Served::start(&["http", "--bind", "127.0.0.1:0"]);
    let ran = cli_util::run(&["serve", "http", "--bind", &first.bound], "");
    assert_eq!(ran.code, Some(1), "{ran:?}");
    assert!(ran.stderr.contains("another server is using that address"), "{}", ran.stderr);
    first.stop_cleanly();
}
