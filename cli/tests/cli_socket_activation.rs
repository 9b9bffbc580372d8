//! systemd socket activation: `serve` takes the listening socket named by
//! `LISTEN_FDS`/`LISTEN_PID` instead of binding (driven here by Debian's
//! `systemd-socket-activate`, package `systemd`; each test skips, saying
//! so, without it), tells `NOTIFY_SOCKET` `READY=1` and `STOPPING=1`, and
//! refuses an inherited descriptor that is not a listening stream socket.

mod cli_util;

use cli_util::{binary, Served, TempDir, PATIENCE};
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::os::unix::process::CommandExt;
use std::process::Command;

const ACTIVATE: &str = "systemd-socket-activate";

/// The launcher, or `None` (and a message) when it is not installed.
fn activate() -> Option<Command> {
    let found = Command::new(ACTIVATE).arg("--version").output().is_ok_and(|out| out.status.success());
    if !found {
        eprintln!("skipped: {ACTIVATE} is not installed (Debian package `systemd`)");
        return None;
    }
    Some(Command::new(ACTIVATE))
}

fn get(mut stream: impl Read + Write) -> String {
    stream.write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

fn notice(socket: &UnixDatagram) -> String {
    let mut buf = [0u8; 1024];
    let n = socket.recv(&mut buf).expect("a notification within PATIENCE");
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[test]
fn a_unix_socket_from_systemd_socket_activate_is_served_and_notified() {
    let Some(command) = activate() else { return };
    let dir = TempDir::new("activated");
    let path = dir.path().join("activated.sock");
    let notify_path = dir.path().join("notify.sock");
    let notify = UnixDatagram::bind(&notify_path).unwrap();
    notify.set_read_timeout(Some(PATIENCE)).unwrap();
    let listen = path.to_str().unwrap();
    let setenv = format!("NOTIFY_SOCKET={}", notify_path.display());
    let exe = env!("CARGO_BIN_EXE_socketserver");
    let args = ["-l", listen, "-E", &setenv, exe, "serve", "http", "--transport", "unix"];
    let mut served = Served::launch(command, &args);
    served.wait_for_log(PATIENCE, |line| line.starts_with("Listening on")).expect("the launcher listens");
    // The first connection makes the launcher start the server.
    let stream = UnixStream::connect(&path).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let bound = served.wait_for_bound(&args);
    assert_eq!(bound, listen);
    assert!(get(stream).starts_with("HTTP/1.1 200 OK"));
    let ready = notice(&notify);
    assert!(ready.contains("READY=1") && ready.contains(&format!("MAINPID={}", served.pid())), "{ready}");
    assert!(get(UnixStream::connect(&path).unwrap()).starts_with("HTTP/1.1 200 OK"));
    let pid = served.pid();
    let log = served.stop_cleanly();
    assert!(log.contains("serving http transport=unix"), "log:\n{log}");
    assert_eq!(notice(&notify), format!("STOPPING=1\nMAINPID={pid}\n"));
    assert!(path.exists(), "the socket file is the launcher's to remove");
}

#[test]
fn a_tcp_socket_from_systemd_socket_activate_is_served() {
    let Some(command) = activate() else { return };
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let listen = format!("127.0.0.1:{port}");
    let exe = env!("CARGO_BIN_EXE_socketserver");
    let args = ["-l", &listen, exe, "serve", "http", "--bind", "127.0.0.1:1"];
    let mut served = Served::launch(command, &args);
    served.wait_for_log(PATIENCE, |line| line.starts_with("Listening on")).expect("the launcher listens");
    let stream = std::net::TcpStream::connect(&listen).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    assert_eq!(served.wait_for_bound(&args), listen, "the inherited socket, not --bind");
    assert!(get(stream).starts_with("HTTP/1.1 200 OK"));
    served.stop_cleanly();
}

#[test]
fn an_inherited_descriptor_that_is_no_listener_is_refused() {
    let dir = TempDir::new("not-a-socket");
    let file = dir.path().join("not-a-socket");
    std::fs::write(&file, "x").unwrap();
    let handle = std::fs::File::open(&file).unwrap();
    let fd = handle.as_raw_fd();
    let mut command = binary();
    // The supervisor's convention (its pid in place of LISTEN_PID): this
    // test process is the parent.
    command
        .args(["serve", "http", "--bind", "127.0.0.1:0"])
        .env("LISTEN_FDS", "1")
        .env("SOCKETSERVER_SUPERVISOR", std::process::id().to_string());
    // SAFETY: dup2 and fcntl only, between fork and exec.
    unsafe {
        command.pre_exec(move || {
            let done = if fd == 3 { libc::fcntl(3, libc::F_SETFD, 0) } else { libc::dup2(fd, 3) };
            match done {
                -1 => Err(std::io::Error::last_os_error()),
                _ => Ok(()),
            }
        })
    };
    let out = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("inherited socket 3 (LISTEN_FDS): not a socket"), "{stderr}");
}

#[test]
fn listen_fds_meant_for_another_process_are_left_alone() {
    let mut command = binary();
    command.env("LISTEN_FDS", "1").env("LISTEN_PID", "1");
    let served = Served::start_command(command, &["http", "--bind", "127.0.0.1:0"]);
    assert!(get(served.tcp()).starts_with("HTTP/1.1 200 OK"));
    served.stop_cleanly();
}
