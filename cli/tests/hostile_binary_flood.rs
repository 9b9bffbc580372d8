//! A connection flood against the built binary, past `max_connections`:
//! the excess is closed at once, the connections within the limit are
//! still served (a well-behaved client gets its answers all through the
//! flood), and the server's memory (VmRSS from `/proc`) stays bounded and
//! does not grow with the number of flood connections.

mod cli_util;

use cli_util::{eventually, raise_fd_limit, Served, TempDir, PATIENCE};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Instant;

/// The server's connection limit (and thread cap).
const LIMIT: usize = 64;
/// Connections per flood wave; two waves.
const WAVE: usize = 1000;
/// Upper bound on the server's resident memory at any point, in KiB.
const RSS_CEILING_KIB: u64 = 128 * 1024;
/// Most the server's memory may grow across the second wave, in KiB.
const RSS_GROWTH_KIB: u64 = 4 * 1024;

const CONFIG: &str = r#"
handler = "echo"
concurrency = "threads"
workers = 64
overload = "reject"

[limits]
max_connections = 64
"#;

#[test]
fn a_flood_past_max_connections_is_closed_and_the_admitted_are_served() {
    // A wave is held open whole, beside the connections the server kept.
    let needed = (WAVE + LIMIT + 128) as libc::rlim_t;
    assert!(raise_fd_limit(8192) >= needed, "this test needs {needed} descriptors (RLIMIT_NOFILE)");
    let dir = TempDir::new("cli");
    let config = dir.file("flood.toml", CONFIG);
    let served = Served::start(&["--config", config.to_str().unwrap(), "--bind", "127.0.0.1:0"]);
    let addr: SocketAddr = served.bound.parse().unwrap();

    let mut good = Client::connect(addr).expect("the well-behaved client connects");
    good.round_trip("before the flood");
    let idle_rss = served.rss_kib();

    let mut held = flood(addr, &mut good, LIMIT - 1);
    let first_rss = served.rss_kib();
    assert_eq!(
        held.len(),
        LIMIT - 1,
        "connections the server kept from wave one (the good client holds one slot)"
    );

    let late = flood(addr, &mut good, 0);
    assert!(late.is_empty(), "{} connections of wave two were kept past the limit", late.len());
    let second_rss = served.rss_kib();
    eprintln!(
        "server VmRSS: idle {idle_rss} KiB, after wave one {first_rss} KiB, after wave two {second_rss} KiB"
    );
    assert!(first_rss.max(second_rss) < RSS_CEILING_KIB, "server RSS {first_rss}/{second_rss} KiB");
    assert!(
        second_rss <= first_rss + RSS_GROWTH_KIB,
        "server RSS grew with the flood: {first_rss} KiB -> {second_rss} KiB after {WAVE} more connections"
    );

    for (n, client) in held.iter_mut().enumerate() {
        client.round_trip(&format!("admitted flood connection {n}"));
    }
    good.round_trip("after the flood");
    drop(held);
    drop(good);
    served.stop_cleanly();
}

/// Opens [`WAVE`] connections as fast as it can, the good client asking
/// its question every hundred of them, then waits (up to
/// [`PATIENCE`]) until no more than `room` are still open: the server
/// closes every one past its limit. Returns those still open.
fn flood(addr: SocketAddr, good: &mut Client, room: usize) -> Vec<Client> {
    let started = Instant::now();
    let mut open = Vec::with_capacity(WAVE);
    let mut refused = 0;
    for n in 0..WAVE {
        match Client::connect(addr) {
            Ok(client) => open.push(client),
            Err(_) => refused += 1,
        }
        if n % 100 == 99 {
            good.round_trip(&format!("during the flood, after {} connections", n + 1));
        }
    }
    let opened = started.elapsed();
    eventually(PATIENCE, || {
        open.retain_mut(|client| !client.closed_by_server());
        open.len() <= room
    });
    eprintln!(
        "flood of {WAVE}: opened in {opened:.0?}, {refused} refused at connect, {} kept, the rest closed within {:.0?}",
        open.len(),
        started.elapsed()
    );
    open
}

/// One client connection with a line reader.
struct Client {
    reader: BufReader<TcpStream>,
}

impl Client {
    fn connect(addr: SocketAddr) -> io::Result<Client> {
        let conn = TcpStream::connect_timeout(&addr, PATIENCE)?;
        conn.set_read_timeout(Some(PATIENCE))?;
        Ok(Client { reader: BufReader::new(conn) })
    }

    /// Sends a line and checks it comes back.
    fn round_trip(&mut self, what: &str) {
        let line = format!("{what}\n");
        self.reader.get_mut().write_all(line.as_bytes()).unwrap();
        let mut answer = String::new();
        self.reader.read_line(&mut answer).unwrap_or_else(|err| panic!("{what}: no echo: {err}"));
        assert_eq!(answer, line, "{what}");
    }

    /// Whether the server has closed this connection (end of stream or a
    /// reset), without waiting.
    fn closed_by_server(&mut self) -> bool {
        let conn = self.reader.get_mut();
        conn.set_nonblocking(true).unwrap();
        let mut byte = [0];
        let closed = match conn.read(&mut byte) {
            Ok(0) => true,
            Ok(_) => panic!("the server sent data on a connection nobody wrote to"),
            Err(err) => err.kind() != io::ErrorKind::WouldBlock,
        };
        conn.set_nonblocking(false).unwrap();
        closed
    }
}
