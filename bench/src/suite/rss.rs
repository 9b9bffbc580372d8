//! A server's resident memory, and how much each idle connection adds.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// `VmRSS` of process `pid`, in KiB, from `/proc/PID/status`.
///
/// # Errors
///
/// A message when the file cannot be read or has no `VmRSS` line.
pub fn vm_rss_kib(pid: u32) -> Result<u64, String> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).map_err(|err| format!("cannot read {path}: {err}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("{path} has no VmRSS line"))
}

/// Opens `count` connections to an echo server, makes one 1-byte round
/// trip on each (so the server has accepted it and started serving it),
/// and returns the server's RSS growth per connection in KiB.
///
/// # Errors
///
/// A message when a connection or its round trip fails.
pub fn per_idle_connection(addr: SocketAddr, pid: u32, count: usize) -> Result<f64, String> {
    drop(open_served(addr)?);
    let before = vm_rss_kib(pid)?;
    let held = (0..count).map(|_| open_served(addr)).collect::<Result<Vec<_>, _>>()?;
    let after = vm_rss_kib(pid)?;
    drop(held);
    Ok(after.saturating_sub(before) as f64 / count as f64)
}

/// A connection the server has answered once.
fn open_served(addr: SocketAddr) -> Result<TcpStream, String> {
    let fail = |err: std::io::Error| format!("idle connection to {addr}: {err}");
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).map_err(fail)?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).map_err(fail)?;
    stream.write_all(b"x").map_err(fail)?;
    let mut byte = [0; 1];
    stream.read_exact(&mut byte).map_err(fail)?;
    Ok(stream)
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_this_process_rss() {
        let kib = super::vm_rss_kib(std::process::id()).unwrap();
        assert!(kib > 0);
    }
}
