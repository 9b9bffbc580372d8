//! A server started as a child process: its announced address, its
//! memory, and a clean stop.

use super::bound_on::BoundOn;
use crossbeam_channel::{unbounded, Receiver, RecvTimeoutError};
use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How long a server gets to announce its address.
const START_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a server gets to exit after SIGTERM before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);
/// Lines of output kept to explain a server that did not start.
const KEPT_LINES: usize = 20;

/// A running server; dropping it kills the process.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    addr: SocketAddr,
}

impl ServerProcess {
    /// Starts `command` and waits for its `bound=ADDR` line.
    ///
    /// # Errors
    ///
    /// A message when it cannot start, exits, or says nothing in time,
    /// with the last lines it printed.
    pub fn start(mut command: Command, bound_on: BoundOn) -> Result<ServerProcess, String> {
        let shown = format!("{command:?}");
        command.stdin(Stdio::null());
        match bound_on {
            BoundOn::Stdout => command.stdout(Stdio::piped()).stderr(Stdio::inherit()),
            BoundOn::Stderr => command.stdout(Stdio::null()).stderr(Stdio::piped()),
            BoundOn::Port(_) => command.stdout(Stdio::null()).stderr(Stdio::null()),
        };
        let mut child = command.spawn().map_err(|err| format!("cannot start {shown}: {err}"))?;
        let found = match bound_on {
            BoundOn::Stdout => wait_for_bound(&forward_lines(Box::new(child.stdout.take().expect("piped")))),
            BoundOn::Stderr => wait_for_bound(&forward_lines(Box::new(child.stderr.take().expect("piped")))),
            BoundOn::Port(addr) => wait_for_listener(&mut child, addr),
        };
        match found {
            Ok(addr) => Ok(ServerProcess { child, addr }),
            Err(said) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!("{shown} did not start listening within {START_TIMEOUT:?}; it said:\n{said}"))
            }
        }
    }

    /// The address it announced.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM and waits for the exit; kills it if it lingers.
    pub fn stop(mut self) {
        self.terminate();
    }

    fn terminate(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        // SAFETY: kill() with a pid this process spawned and has not reaped.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.terminate();
    }
}

/// Reads `output` line by line on a thread, for as long as the server
/// runs (so its pipe never fills), sending each line on.
fn forward_lines(output: Box<dyn Read + Send>) -> Receiver<String> {
    let (tx, rx) = unbounded();
    thread::spawn(move || {
        for line in BufReader::new(output).lines() {
            let Ok(line) = line else { break };
            // Once the address is found nobody listens; keep draining.
            let _ = tx.send(line);
        }
    });
    rx
}

/// `addr` once a connect to it succeeds, or why not (the server exited,
/// or the time ran out).
fn wait_for_listener(child: &mut Child, addr: SocketAddr) -> Result<SocketAddr, String> {
    let deadline = Instant::now() + START_TIMEOUT;
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(addr);
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("it exited with {status}"));
        }
        thread::sleep(Duration::from_millis(20));
    }
    Err(format!("nothing listened on {addr}"))
}

/// The address in the first `bound=` line, or the lines seen instead.
fn wait_for_bound(lines: &Receiver<String>) -> Result<SocketAddr, String> {
    let deadline = Instant::now() + START_TIMEOUT;
    let mut seen: Vec<String> = Vec::new();
    loop {
        match lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) => {
                if let Some(addr) = parse_bound(&line) {
                    return Ok(addr);
                }
                seen.push(line);
                if seen.len() > KEPT_LINES {
                    seen.remove(0);
                }
            }
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return Err(seen.join("\n")),
        }
    }
}

/// `127.0.0.1:4000` from a line holding `bound=127.0.0.1:4000`.
pub fn parse_bound(line: &str) -> Option<SocketAddr> {
    let (_, rest) = line.split_once("bound=")?;
    let token = rest.split(|c: char| c.is_whitespace() || c == ',').next()?;
    token.trim_matches(|c: char| matches!(c, '"' | '\'' | '`' | ')' | '(')).parse().ok()
}

#[cfg(test)]
mod tests {
    use super::parse_bound;

    #[test]
    fn bound_is_found_in_a_log_line_or_alone() {
        let log = "12:00:01 [INFO] serving echo: bound=127.0.0.1:4000 transport=tcp strategy=pool";
        assert_eq!(parse_bound(log), Some("127.0.0.1:4000".parse().unwrap()));
        assert_eq!(parse_bound("bound=[::1]:80"), Some("[::1]:80".parse().unwrap()));
        assert_eq!(parse_bound("bound=\"127.0.0.1:9\","), Some("127.0.0.1:9".parse().unwrap()));
        assert_eq!(parse_bound("listening"), None);
    }
}
