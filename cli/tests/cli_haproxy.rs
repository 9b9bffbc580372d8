//! Behind HAProxy (package `haproxy`; the test skips, saying so, without
//! it): HAProxy in HTTP mode sends the PROXY protocol v2
//! (`send-proxy-v2`, health checks too) to two `serve http
//! --proxy-protocol` backends. While a load from 127.0.0.2 runs through
//! HAProxy, one backend and then the other is stopped with SIGTERM and
//! started again: no request fails, and the backends' access logs show
//! the client's own address, not HAProxy's. HAProxy only retries
//! connections it could not make (`retries`, `option redispatch`: safe
//! for any request), not requests (no `retry-on`): a draining backend
//! refuses new connections at once and answers every one it accepted.

mod cli_util;

use cli_util::{Load, Served, TempDir, PATIENCE};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::os::unix::net::UnixDatagram;
use std::process::{Child, Command, Stdio};

const CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

fn haproxy_binary() -> Option<&'static str> {
    let found = ["haproxy", "/usr/sbin/haproxy"]
        .into_iter()
        .find(|bin| Command::new(bin).arg("-v").output().is_ok_and(|out| out.status.success()));
    if found.is_none() {
        eprintln!("skipped: haproxy is not installed (Debian package `haproxy`)");
    }
    found
}

fn config(front: u16, backends: [&str; 2]) -> String {
    format!(
        "global
    maxconn 1000
defaults
    mode http
    timeout connect 1s
    timeout client 10s
    timeout server 10s
    retries 3
    option redispatch 1
frontend front
    bind 127.0.0.1:{front}
    default_backend backends
backend backends
    option httpchk GET /
    default-server send-proxy-v2 check-send-proxy check inter 100ms fall 1 rise 1
    server a {}
    server b {}
",
        backends[0], backends[1]
    )
}

/// HAProxy in the foreground, killed when dropped.
struct Haproxy(Child);

impl Haproxy {
    /// Starts HAProxy and waits for its `READY=1` (`-Ws` notifies like
    /// a systemd service).
    fn start(binary: &str, config: &std::path::Path) -> Haproxy {
        let dir = TempDir::new("haproxy");
        let notify_path = dir.path().join("notify.sock");
        let notify = UnixDatagram::bind(&notify_path).unwrap();
        notify.set_read_timeout(Some(PATIENCE)).unwrap();
        let child = Command::new(binary)
            .args(["-Ws", "-db", "-f"])
            .arg(config)
            .env("NOTIFY_SOCKET", &notify_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let haproxy = Haproxy(child);
        let mut buf = [0u8; 512];
        loop {
            let n = notify.recv(&mut buf).expect("HAProxy said READY=1 within PATIENCE");
            if String::from_utf8_lossy(&buf[..n]).contains("READY=1") {
                return haproxy;
            }
        }
    }
}

impl Drop for Haproxy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn backend(bind: &str) -> Served {
    Served::start(&["http", "--bind", bind, "--proxy-protocol"])
}

/// Stops `served` with SIGTERM and starts a backend on its address
/// again; returns the new one and the old one's whole log.
fn restart(served: Served) -> (Served, String) {
    let bound = served.bound.clone();
    let log = served.stop_cleanly();
    (backend(&bound), log)
}

fn client_lines(log: &str) -> usize {
    log.lines()
        .filter(|line| line.contains("[INFO] 127.0.0.2:") && line.contains("\"GET / HTTP/1.1\" 200 "))
        .count()
}

#[test]
fn backends_restarted_behind_haproxy_lose_nothing_and_log_the_client() {
    let Some(binary) = haproxy_binary() else { return };
    let a = backend("127.0.0.1:0");
    let b = backend("127.0.0.1:0");
    let front = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = TempDir::new("haproxy");
    let config = dir.file("haproxy.cfg", &config(front, [&a.bound, &b.bound]));
    let _haproxy = Haproxy::start(binary, &config);
    let load = Load::start(SocketAddr::from(([127, 0, 0, 1], front)), 4, "/", Some(CLIENT));
    load.wait_for_more(200, PATIENCE);

    let (mut a, a_log) = restart(a);
    a.wait_for_log(PATIENCE, |line| line.contains("[INFO] 127.0.0.2:")).expect("the new a serves clients");
    load.wait_for_more(200, PATIENCE);
    let (mut b, b_log) = restart(b);
    b.wait_for_log(PATIENCE, |line| line.contains("[INFO] 127.0.0.2:")).expect("the new b serves clients");
    load.wait_for_more(200, PATIENCE);
    let tally = load.finish();

    tally.assert_none_failed();
    for (name, log) in [("a", a_log), ("b", b_log), ("new a", a.stop_cleanly()), ("new b", b.stop_cleanly())]
    {
        assert!(client_lines(&log) > 0, "backend {name} logged no access line from 127.0.0.2:\n{log}");
        assert!(!log.contains("PROXY"), "backend {name} refused a PROXY header:\n{log}");
    }
}
