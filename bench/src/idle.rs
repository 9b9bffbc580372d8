//! `--idle N`: connections opened before the run and held, silent, until
//! it ends.

use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Idle TCP connections to the server; dropping it closes them.
#[derive(Debug)]
pub struct IdleConnections {
    streams: Vec<TcpStream>,
    /// Connects that failed.
    pub failed: usize,
    /// The first failure, if any.
    pub first_error: Option<String>,
}

impl IdleConnections {
    /// Opens `count` connections to `addr`, one after another, each
    /// given `timeout` to connect.
    pub fn open(addr: SocketAddr, count: usize, timeout: Duration) -> IdleConnections {
        let mut idle = IdleConnections { streams: Vec::with_capacity(count), failed: 0, first_error: None };
        for _ in 0..count {
            match TcpStream::connect_timeout(&addr, timeout) {
                Ok(stream) => idle.streams.push(stream),
                Err(err) => {
                    idle.failed += 1;
                    idle.first_error.get_or_insert_with(|| err.to_string());
                }
            }
        }
        idle
    }

    /// Connections open.
    pub fn open_count(&self) -> usize {
        self.streams.len()
    }
}
