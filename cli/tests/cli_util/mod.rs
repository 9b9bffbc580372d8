//! Shared by the `cli_*` tests: running the built `socketserver` binary,
//! reading the `bound=` address from its log, stopping it with SIGTERM,
//! and killing it if a test fails first. The patience, the bounded poll,
//! temporary directories, `/proc` readings, the line and datagram clients
//! and the raw HTTP client are the
//! library tests' own (`tests/util/`), included by path.

#![allow(dead_code, unused_imports)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// The binary under test.
pub fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_socketserver"))
}

#[path = "../../../tests/util/clients.rs"]
mod clients;
mod load;
#[allow(unused_imports)]
pub use load::{Load, Tally};

#[path = "../../../tests/util/fd_limit.rs"]
mod fd_limit;
#[path = "../../../tests/util/http_client.rs"]
pub mod http_client;
#[path = "../../../tests/util/patience.rs"]
mod patience;
#[path = "../../../tests/util/poll.rs"]
mod poll;
#[path = "../../../tests/util/process.rs"]
mod process;
#[path = "../../../tests/util/temp.rs"]
mod temp;

pub use clients::{DatagramClient, LineClient};
pub use fd_limit::raise_fd_limit;
pub use patience::PATIENCE;
pub use poll::{eventually, wait_until};
use process::rss_kib_of;
pub use temp::TempDir;

/// A `socketserver serve` child, killed on drop unless stopped.
pub struct Served {
    pid: i32,
    exited: Receiver<ExitStatus>,
    lines: Receiver<String>,
    log: Vec<String>,
    /// The address from the `bound=` log line.
    pub bound: String,
    stopped: bool,
}

impl Served {
    /// Runs `socketserver serve ARGS...` and waits (boundedly) for its
    /// `bound=` line.
    pub fn start(args: &[&str]) -> Served {
        Served::start_command(binary(), args)
    }

    /// Runs `command` (the binary, set up by the caller: limits through
    /// `pre_exec`, environment) with `serve ARGS...`, and waits (boundedly)
    /// for its `bound=` line.
    pub fn start_command(mut command: Command, args: &[&str]) -> Served {
        command.arg("serve");
        let mut served = Served::launch(command, args);
        served.bound = served.wait_for_bound(args);
        served
    }

    /// Runs `command ARGS...` (not `serve`: a launcher such as
    /// `systemd-socket-activate` that runs the server later) without
    /// waiting for anything; [`Served::wait_for_bound`] waits for the
    /// server's `bound=` line.
    pub fn launch(mut command: Command, args: &[&str]) -> Served {
        let mut child = command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = read_lines(child.stderr.take().unwrap());
        Served {
            pid: child.id() as i32,
            exited: wait_in_thread(child),
            lines,
            log: Vec::new(),
            bound: String::new(),
            stopped: false,
        }
    }

    /// Waits (boundedly) for the `bound=` line and returns its address.
    pub fn wait_for_bound(&mut self, args: &[&str]) -> String {
        let line = self.wait_for_log(PATIENCE, |line| bound_token(line).is_some());
        let line =
            line.unwrap_or_else(|| panic!("serve {args:?} logged no bound= line; stderr:\n{}", self.log()));
        bound_token(&line).unwrap()
    }

    /// The server's process id.
    pub fn pid(&self) -> i32 {
        self.pid
    }

    /// Waits up to `limit` for a log line for which `wanted` holds, and
    /// returns it; every line read meanwhile is kept for [`Served::log`].
    pub fn wait_for_log(&mut self, limit: Duration, mut wanted: impl FnMut(&str) -> bool) -> Option<String> {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self.lines.recv_timeout(left).ok()?;
            self.log.push(line.clone());
            if wanted(&line) {
                return Some(line);
            }
        }
    }

    /// The first line logged so far, or within `limit`, for which `wanted`
    /// holds: unlike [`Served::wait_for_log`], lines already read count.
    pub fn logged(&mut self, limit: Duration, mut wanted: impl FnMut(&str) -> bool) -> Option<String> {
        if let Some(line) = self.log.iter().find(|line| wanted(line)) {
            return Some(line.clone());
        }
        self.wait_for_log(limit, wanted)
    }

    /// Everything logged so far (as read by [`Served::wait_for_log`]).
    pub fn log(&self) -> String {
        self.log.join("\n")
    }

    /// The server's resident memory now, in KiB (`VmRSS` in
    /// `/proc/PID/status`).
    pub fn rss_kib(&self) -> u64 {
        rss_kib_of(self.pid)
    }

    /// The CPU time the server has used so far, user and system
    /// (`utime + stime` in `/proc/PID/stat`).
    pub fn cpu_time(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid)).unwrap();
        // Fields after the command name, which is in parentheses and may
        // hold spaces: state is field 3, utime 14, stime 15.
        let rest = &stat[stat.rfind(')').expect("comm in /proc/PID/stat") + 2..];
        let fields: Vec<u64> = rest.split_whitespace().skip(11).take(2).map(|f| f.parse().unwrap()).collect();
        let ticks_per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
        Duration::from_millis((fields[0] + fields[1]) * 1000 / ticks_per_second)
    }

    /// Sends SIGTERM, waits for the exit, and returns its status and
    /// everything logged.
    pub fn stop(self) -> (ExitStatus, String) {
        self.stop_with(libc::SIGTERM)
    }

    /// Sends `signal`, waits for the exit, and returns its status and
    /// everything logged.
    pub fn stop_with(self, signal: i32) -> (ExitStatus, String) {
        self.signal(signal);
        self.wait_exit()
    }

    /// Sends `signal` to the server.
    pub fn signal(&self, signal: i32) {
        unsafe { libc::kill(self.pid, signal) };
    }

    /// Waits for the exit (after [`Served::signal`]) and returns its
    /// status and everything logged.
    pub fn wait_exit(mut self) -> (ExitStatus, String) {
        let status = self.exited.recv_timeout(PATIENCE).expect("the server did not exit after SIGTERM");
        self.stopped = true;
        while let Ok(line) = self.lines.recv_timeout(PATIENCE) {
            self.log.push(line);
        }
        (status, self.log.join("\n"))
    }

    /// Stops the server and checks it drained and exited with status 0.
    pub fn stop_cleanly(self) -> String {
        let (status, log) = self.stop();
        assert_eq!(status.code(), Some(0), "exit status after SIGTERM; log:\n{log}");
        assert!(log.contains("received SIGTERM: draining"), "log:\n{log}");
        assert!(log.contains("stopped:"), "no drain report; log:\n{log}");
        log
    }

    /// Stops a `--processes` supervisor and checks every child drained
    /// and it exited with status 0.
    pub fn stop_cleanly_supervised(self) -> String {
        let (status, log) = self.stop();
        assert_eq!(status.code(), Some(0), "exit status after SIGTERM; log:\n{log}");
        assert!(log.contains("received SIGTERM: draining"), "log:\n{log}");
        assert!(log.contains("every child exited; supervisor stopped"), "log:\n{log}");
        log
    }

    /// A TCP connection to the server.
    pub fn tcp(&self) -> TcpStream {
        let conn = TcpStream::connect(&self.bound).unwrap();
        conn.set_read_timeout(Some(PATIENCE)).unwrap();
        conn
    }

    /// A Unix stream connection to the server.
    pub fn unix(&self) -> UnixStream {
        let conn = UnixStream::connect(&self.bound).unwrap();
        conn.set_read_timeout(Some(PATIENCE)).unwrap();
        conn
    }

    /// A stream connection over `transport` (`tcp` or `unix`).
    pub fn tcp_or_unix(&self, transport: &str) -> Box<dyn ReadWrite> {
        match transport {
            "tcp" => Box::new(self.tcp()),
            _ => Box::new(self.unix()),
        }
    }

    /// Sends one UDP datagram and returns the reply.
    pub fn udp_ask(&self, message: &[u8]) -> Vec<u8> {
        let client = DatagramClient::udp(self.bound.parse().expect("an internet address"));
        client.send(message);
        client.recv()
    }

    /// Sends one Unix datagram (from a bound socket, so the server can
    /// answer) and returns the reply.
    pub fn unix_dgram_ask(&self, message: &[u8]) -> Vec<u8> {
        let dir = TempDir::new("dgram");
        let client = DatagramClient::unix(Path::new(&self.bound), &dir.unique_path("client"));
        client.send(message);
        client.recv()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if !self.stopped && self.exited.try_recv().is_err() {
            unsafe { libc::kill(self.pid, libc::SIGKILL) };
            let _ = self.exited.recv_timeout(PATIENCE);
        }
    }
}

/// A stream of either kind.
pub trait ReadWrite: Read + Write {}

impl<T: Read + Write> ReadWrite for T {}

/// `ADDR` from a log line holding `bound=ADDR`.
pub fn bound_token(line: &str) -> Option<String> {
    let start = line.find("bound=")? + "bound=".len();
    line[start..].split_whitespace().next().map(str::to_string)
}

fn read_lines(stream: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = channel();
    thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

fn wait_in_thread(mut child: Child) -> Receiver<ExitStatus> {
    let (tx, rx) = channel();
    thread::spawn(move || {
        if let Ok(status) = child.wait() {
            let _ = tx.send(status);
        }
    });
    rx
}

/// What a finished command printed, and how it exited.
#[derive(Debug)]
pub struct Ran {
    /// The exit status code (`None` if killed by a signal).
    pub code: Option<i32>,
    /// Its stdout.
    pub stdout: String,
    /// Its stderr.
    pub stderr: String,
}

/// Runs `socketserver ARGS...` with `input` on stdin, to its end, within
/// [`PATIENCE`] (killed past it).
pub fn run(args: &[&str], input: &str) -> Ran {
    let mut child = binary()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as i32;
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    thread::spawn(move || stdin.write_all(input.as_bytes()));
    let (tx, rx) = channel();
    thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(PATIENCE) {
        Ok(output) => {
            let output = output.unwrap();
            Ran {
                code: output.status.code(),
                stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            }
        }
        Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("socketserver {args:?} did not finish in {PATIENCE:?}");
        }
    }
}
