//! File-descriptor exhaustion against the built binary: started with
//! `RLIMIT_NOFILE` of 32, it is sent more connections than it can hold.
//! It logs the condition once at `warn`, backs off instead of spinning on
//! the listener (its CPU time, from `/proc/PID/stat`, stays small while it
//! is out of descriptors), and serves again, the connections that waited
//! in the backlog included, once the held connections close.

mod cli_util;

use cli_util::{binary, Served, TempDir, PATIENCE};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::time::Instant;

/// The server's descriptor limit.
const FD_LIMIT: libc::rlim_t = 32;
/// Connections opened: well past what the server can hold.
const CONNECTIONS: usize = 60;
/// Connections kept open while the others close: surely still in the
/// backlog, since the server cannot hold more than [`FD_LIMIT`].
const WAITING: usize = 10;
/// Most CPU the server may use while out of descriptors, as a share of
/// the time it spent so.
const CPU_SHARE: f64 = 0.10;

const CONFIG: &str = r#"
handler = "echo"
concurrency = "threads"
workers = 100
log_level = "debug"
"#;

#[test]
fn out_of_descriptors_the_server_logs_backs_off_and_recovers() {
    let dir = TempDir::new("cli");
    let config = dir.file("fds.toml", CONFIG);
    let mut command = binary();
    // SAFETY: setrlimit is async-signal-safe; nothing else runs in the
    // child between fork and exec.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit { rlim_cur: FD_LIMIT, rlim_max: FD_LIMIT };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut served =
        Served::start_command(command, &["--config", config.to_str().unwrap(), "--bind", "127.0.0.1:0"]);

    let mut clients: Vec<TcpStream> = (0..CONNECTIONS).map(|_| connect(&served.bound)).collect();
    let warned = served
        .wait_for_log(PATIENCE, |line| line.contains("cannot accept") && line.contains("pausing accepts"))
        .unwrap_or_else(|| panic!("no accept-error line; log:\n{}", served.log()));
    assert!(warned.contains("[WARN]"), "the first accept error is a warning: {warned}");
    assert!(warned.contains("Too many open files"), "the warning names the cause: {warned}");
    let (cpu_before, started) = (served.cpu_time(), Instant::now());

    // The pauses double up to a second; two pauses of a second mean the
    // server has been out of descriptors for over two seconds.
    for _ in 0..2 {
        served
            .wait_for_log(PATIENCE, |line| line.contains("pausing accepts for 1s"))
            .unwrap_or_else(|| panic!("the pauses did not reach a second; log:\n{}", served.log()));
    }
    let (cpu, wall) = (served.cpu_time() - cpu_before, started.elapsed());
    eprintln!("out of descriptors for {wall:.2?}: the server used {cpu:?} of CPU");
    assert!(
        cpu.as_secs_f64() <= wall.as_secs_f64() * CPU_SHARE,
        "the server used {cpu:?} of CPU in {wall:?} out of descriptors: it spins instead of backing off"
    );
    let log = served.log();
    let warnings =
        log.lines().filter(|line| line.contains("[WARN]") && line.contains("cannot accept")).count();
    assert_eq!(warnings, 1, "one warning per exhaustion, the retries at debug; log:\n{log}");

    let mut waiting = clients.split_off(CONNECTIONS - WAITING);
    drop(clients);
    for (n, client) in waiting.iter_mut().enumerate() {
        round_trip(client, &format!("waited in the backlog {n}"));
    }
    round_trip(&mut connect(&served.bound), "a new client");
    drop(waiting);
    served.stop_cleanly();
}

fn connect(addr: &str) -> TcpStream {
    let conn = TcpStream::connect(addr).unwrap();
    conn.set_read_timeout(Some(PATIENCE)).unwrap();
    conn
}

/// Sends a line and checks it comes back.
fn round_trip(conn: &mut TcpStream, what: &str) {
    let line = format!("{what}\n");
    conn.write_all(line.as_bytes()).unwrap();
    let mut answer = String::new();
    BufReader::new(&*conn).read_line(&mut answer).unwrap_or_else(|err| panic!("{what}: no echo: {err}"));
    assert_eq!(answer, line, "{what}");
}
