//! What wakes the supervisor: its signals and its children's
//! `sd_notify` messages, each read by a thread into one channel.

use crate::error::CliError;
use crossbeam_channel::{unbounded, Receiver, Sender};
use signal_hook::consts::{SIGCHLD, SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::thread;

/// One thing that happened.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    /// A signal arrived: SIGTERM, SIGINT, SIGHUP or SIGCHLD.
    Signal(i32),
    /// The child with this pid said `READY=1`.
    Ready(u32),
}

/// The supervisor's events, and the socket its children notify.
#[derive(Debug)]
pub struct Events {
    /// Where events arrive.
    pub receiver: Receiver<Event>,
    notify_path: PathBuf,
}

impl Events {
    /// Installs the signal handlers and binds the notify socket.
    ///
    /// # Errors
    ///
    /// A runtime error when either cannot be set up.
    pub fn start() -> Result<Events, CliError> {
        let (sender, receiver) = unbounded();
        let fail = |what: &str, err: std::io::Error| CliError::runtime(format!("cannot {what}: {err}"));
        let signals = Signals::new([SIGTERM, SIGINT, SIGHUP, SIGCHLD])
            .map_err(|err| fail("install signal handlers", err))?;
        let notify_path =
            std::env::temp_dir().join(format!("socketserver-supervisor-{}.notify", std::process::id()));
        let _ = std::fs::remove_file(&notify_path);
        let socket = UnixDatagram::bind(&notify_path).map_err(|err| fail("bind the notify socket", err))?;
        spawn("signals", signals_into(signals, sender.clone())).map_err(|err| fail("start a thread", err))?;
        spawn("notify", notices_into(socket, sender)).map_err(|err| fail("start a thread", err))?;
        Ok(Events { receiver, notify_path })
    }

    /// The socket children report readiness to (their `NOTIFY_SOCKET`).
    pub fn notify_path(&self) -> &Path {
        &self.notify_path
    }
}

impl Drop for Events {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.notify_path);
    }
}

fn spawn(name: &str, work: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
    thread::Builder::new().name(name.to_string()).spawn(work).map(drop)
}

fn signals_into(mut signals: Signals, sender: Sender<Event>) -> impl FnOnce() {
    move || {
        for signal in signals.forever() {
            if sender.send(Event::Signal(signal)).is_err() {
                return;
            }
        }
    }
}

fn notices_into(socket: UnixDatagram, sender: Sender<Event>) -> impl FnOnce() {
    move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = socket.recv(&mut buf) {
            if let Some(pid) = ready_pid(&String::from_utf8_lossy(&buf[..n])) {
                if sender.send(Event::Ready(pid)).is_err() {
                    return;
                }
            }
        }
    }
}

/// The `MAINPID=` of a message that says `READY=1`.
fn ready_pid(message: &str) -> Option<u32> {
    let mut lines = message.lines();
    if !message.lines().any(|line| line == "READY=1") {
        return None;
    }
    lines.find_map(|line| line.strip_prefix("MAINPID=")).and_then(|pid| pid.parse().ok())
}

/// The name of a signal the supervisor handles.
pub fn name(signal: i32) -> &'static str {
    match signal {
        SIGTERM => "SIGTERM",
        SIGINT => "SIGINT",
        SIGHUP => "SIGHUP",
        SIGCHLD => "SIGCHLD",
        _ => "a signal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readiness_names_its_pid() {
        assert_eq!(ready_pid("READY=1\nMAINPID=42\n"), Some(42));
        assert_eq!(ready_pid("STOPPING=1\nMAINPID=42\n"), None);
        assert_eq!(ready_pid("READY=1\n"), None);
    }
}
