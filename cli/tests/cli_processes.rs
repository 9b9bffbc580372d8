//! `serve --processes N`: a supervisor keeps N server processes on one
//! socket. A killed child is replaced while the others keep answering;
//! SIGHUP replaces every child one by one under load without a failed
//! request, one connection per request or keep-alive (the drain's grace
//! answers a request that races it); SIGTERM drains them all and exits 0.

mod cli_util;

use cli_util::{Load, Served, PATIENCE};
use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;

/// The pid of the log line `child N (pid P) ready`, for child `number`.
/// (not one of `not`, the pids of earlier children of that number).
fn ready_pid(served: &mut Served, number: usize, not: &[u32]) -> u32 {
    let prefix = format!("child {number} (pid ");
    let line = served
        .logged(PATIENCE, |line| {
            line.contains(&prefix)
                && line.ends_with(") ready")
                && not.iter().all(|pid| !line.contains(&format!("(pid {pid})")))
        })
        .unwrap_or_else(|| panic!("child {number} never said it was ready; log:\n{}", served.log()));
    let start = line.find(&prefix).unwrap() + prefix.len();
    line[start..].split(')').next().unwrap().parse().unwrap()
}

fn alive(pid: u32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    unsafe { libc::kill(pid as i32, 0) == 0 }
}

fn start(processes: &str) -> (Served, SocketAddr, Vec<u32>) {
    let mut served = Served::start(&["http", "--bind", "127.0.0.1:0", "--processes", processes]);
    assert!(served.log().contains("supervising http transport=tcp"), "log:\n{}", served.log());
    let addr = served.bound.parse().unwrap();
    let count: usize = processes.parse().unwrap();
    let pids = (1..=count).map(|number| ready_pid(&mut served, number, &[])).collect();
    served.logged(PATIENCE, |line| line.contains("children ready")).expect("all children ready");
    (served, addr, pids)
}

#[test]
fn a_killed_child_is_replaced_and_the_server_keeps_answering() {
    let (mut served, addr, pids) = start("2");
    let load = Load::start(addr, 2, "/", None);
    load.wait_for_more(50, PATIENCE);
    // SAFETY: a child of the supervisor this test started.
    unsafe { libc::kill(pids[0] as i32, libc::SIGKILL) };
    served
        .logged(PATIENCE, |line| {
            line.contains(&format!("child 1 (pid {}) exited (killed by signal 9)", pids[0]))
        })
        .expect("the supervisor saw child 1 die");
    let replacement = ready_pid(&mut served, 1, &[pids[0]]);
    assert_ne!(replacement, pids[0]);
    load.wait_for_more(50, PATIENCE);
    let tally = load.finish();
    // Requests the killed child had accepted die with it; none after.
    assert!(tally.ok >= 100, "{tally:?}");
    let log = served.stop_cleanly_supervised();
    assert!(!alive(replacement) && !alive(pids[1]), "children left running; log:\n{log}");
}

#[test]
fn sighup_under_load_replaces_every_child_and_loses_nothing() {
    let (mut served, addr, pids) = start("2");
    let load = Load::start(addr, 4, "/", None);
    load.wait_for_more(100, PATIENCE);
    served.signal(libc::SIGHUP);
    served.logged(PATIENCE, |line| line.contains("reload done: every child replaced")).expect("reload done");
    for pid in &pids {
        served
            .logged(PATIENCE, |line| {
                line.contains(&format!("(pid {pid}) drained and exited (exit status 0)"))
            })
            .unwrap_or_else(|| panic!("old child {pid} did not drain and exit 0"));
    }
    load.wait_for_more(100, PATIENCE);
    let tally = load.finish();
    tally.assert_none_failed();
    let log = served.stop_cleanly_supervised();
    assert!(log.contains("replacing 2 children one by one"), "log:\n{log}");
}

/// Keep-alive clients sending back to back: a draining child's idle
/// connections wait out the grace and answer with `Connection: close`, so
/// no request races a close (before: 49-80 read errors for wrk -c50 over 5
/// reloads; this test's 50 clients saw some too, though not in every run).
/// Five reloads, as in the issue.
#[test]
fn sighup_under_keep_alive_load_loses_nothing() {
    let (mut served, addr, mut pids) = start("2");
    let mut seen = pids.clone();
    let load = Load::keep_alive(addr, 50, "/");
    load.wait_for_more(200, PATIENCE);
    for round in 0..5 {
        served.signal(libc::SIGHUP);
        let done = served.wait_for_log(PATIENCE, |line| line.contains("reload done: every child replaced"));
        done.unwrap_or_else(|| panic!("reload {round} not done; log:\n{}", served.log()));
        for pid in &pids {
            served
                .logged(PATIENCE, |line| line.contains(&format!("(pid {pid}) drained and exited")))
                .unwrap_or_else(|| panic!("old child {pid} did not drain and exit"));
        }
        pids = (1..=2).map(|number| ready_pid(&mut served, number, &seen)).collect();
        seen.extend(&pids);
        load.wait_for_more(200, PATIENCE);
    }
    load.finish().assert_none_failed();
    served.stop_cleanly_supervised();
}

#[test]
fn datagram_transports_are_refused_with_processes() {
    let ran = cli_util::run(&["serve", "echo", "--transport", "udp", "--processes", "2"], "");
    assert_eq!(ran.code, Some(2), "{ran:?}");
    assert!(ran.stderr.contains("--processes (`processes`) needs a stream transport"), "{}", ran.stderr);
}

#[test]
fn children_share_a_unix_socket_whose_file_the_supervisor_removes() {
    let dir = cli_util::TempDir::new("processes");
    let path = dir.path().join("processes.sock");
    let bind = path.to_str().unwrap();
    let mut served = Served::start(&["echo", "--transport", "unix", "--bind", bind, "--processes", "2"]);
    served.logged(PATIENCE, |line| line.contains("all 2 children ready")).expect("both children ready");
    for n in 0..4 {
        let mut conn = served.unix();
        writeln!(conn, "hello {n}").unwrap();
        let mut answer = String::new();
        BufReader::new(&conn).read_line(&mut answer).unwrap();
        assert_eq!(answer, format!("hello {n}\n"));
    }
    served.stop_cleanly_supervised();
    assert!(!path.exists(), "the supervisor left its socket file");
}

/// The supervisor speaks for its children to systemd: one `READY=1` once
/// all are ready, `RELOADING=1` then `READY=1` around a SIGHUP,
/// `STOPPING=1` at SIGTERM, each with its own pid.
#[test]
fn the_supervisor_notifies_systemd() {
    let dir = cli_util::TempDir::new("supervisor");
    let notify_path = dir.path().join("notify.sock");
    let notify = std::os::unix::net::UnixDatagram::bind(&notify_path).unwrap();
    notify.set_read_timeout(Some(PATIENCE)).unwrap();
    let next = || {
        let mut buf = [0u8; 512];
        let n = notify.recv(&mut buf).expect("a notification within PATIENCE");
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    let mut command = cli_util::binary();
    command.env("NOTIFY_SOCKET", &notify_path);
    let mut served = Served::start_command(command, &["http", "--bind", "127.0.0.1:0", "--processes", "2"]);
    let mainpid = format!("MAINPID={}\n", served.pid());
    assert_eq!(next(), format!("READY=1\n{mainpid}"));
    served.signal(libc::SIGHUP);
    assert_eq!(next(), format!("RELOADING=1\n{mainpid}"));
    assert_eq!(next(), format!("READY=1\n{mainpid}"));
    served.logged(PATIENCE, |line| line.contains("reload done")).expect("reload done");
    served.signal(libc::SIGTERM);
    assert_eq!(next(), format!("STOPPING=1\n{mainpid}"));
    let (status, log) = served.wait_exit();
    assert_eq!(status.code(), Some(0), "log:\n{log}");
}

/// A child that keeps dying young is restarted later each time: at once,
/// then after 100 ms, then 200 ms.
#[test]
fn a_crash_loop_backs_off() {
    let (mut served, _, pids) = start("2");
    let mut dead = Vec::new();
    let mut pid = pids[0];
    for delay in ["0ns", "100ms", "200ms"] {
        // SAFETY: a child of the supervisor this test started.
        unsafe { libc::kill(pid as i32, libc::SIGKILL) };
        let died = format!("child 1 (pid {pid}) exited (killed by signal 9); restarting it in {delay}");
        served.logged(PATIENCE, |line| line.ends_with(&died)).unwrap_or_else(|| panic!("no `{died}`"));
        dead.push(pid);
        pid = ready_pid(&mut served, 1, &dead);
    }
    served.stop_cleanly_supervised();
}
