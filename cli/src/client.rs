//! `socketserver client`: a line client for the bundled servers, one-shot
//! (`--send MSG`: one message without a newline, one reply) or interactive.
//! Over a stream, one connection for the session; each input line is sent
//! with a newline and the reply printed. Over UDP, each line is one
//! datagram.

use crate::args::ClientArgs;
use crate::error::CliError;
use crate::reply_reader::{read_reply, Conn, Reply};
use crate::tls_client;
use std::io::{self, BufRead, IsTerminal, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::os::unix::net::UnixStream;
use std::time::Duration;

/// How long to listen for a greeting (support-bot's introduction,
/// daytime's date) before the first message.
const GREETING_WAIT: Duration = Duration::from_millis(250);

/// What quits an interactive session (the classic date-and-time client's
/// `-1`).
const QUIT: &str = "-1";

/// Runs the client `args` describe.
pub fn run(args: ClientArgs) -> Result<(), CliError> {
    if args.udp {
        return datagrams(&args);
    }
    if args.addr.contains('/') {
        if args.tls {
            return Err(CliError::usage("--tls works over TCP only: give HOST:PORT, not a socket path"));
        }
        let conn = UnixStream::connect(&args.addr).map_err(|err| connect_error(&args.addr, &err))?;
        return stream(conn, &args);
    }
    let tls = if args.tls { Some(args.trust.client_config(&[])?) } else { None };
    let addr = resolve(&args.addr)?;
    let conn =
        TcpStream::connect_timeout(&addr, args.timeout).map_err(|err| connect_error(&args.addr, &err))?;
    match tls {
        Some(config) => stream(tls_client::connect(conn, host_of(&args.addr), config)?, &args),
        None => stream(conn, &args),
    }
}

/// The host of HOST:PORT (an IPv6 address without its brackets), the
/// name the server's certificate must carry.
fn host_of(addr: &str) -> &str {
    let host = addr.rsplit_once(':').map_or(addr, |(host, _)| host);
    host.trim_start_matches('[').trim_end_matches(']')
}

fn stream(mut conn: impl Conn, args: &ClientArgs) -> Result<(), CliError> {
    let greeting = read_reply(&mut conn, GREETING_WAIT, true).map_err(io_error)?;
    if show(&greeting) {
        return Ok(());
    }
    let mut ask = |line: &str| -> Result<bool, CliError> {
        conn.write_all(format!("{line}\n").as_bytes()).map_err(io_error)?;
        let reply = read_reply(&mut conn, args.timeout, false).map_err(io_error)?;
        Ok(show(&reply))
    };
    match &args.send {
        Some(message) => ask(message).map(drop),
        None => interact(|line| ask(line)),
    }
}

fn datagrams(args: &ClientArgs) -> Result<(), CliError> {
    let addr = resolve(&args.addr)?;
    let local: SocketAddr = if addr.is_ipv4() { ([0, 0, 0, 0], 0).into() } else { ([0u16; 8], 0).into() };
    let socket = UdpSocket::bind(local).map_err(io_error)?;
    socket.connect(addr).map_err(|err| connect_error(&args.addr, &err))?;
    socket.set_read_timeout(Some(args.timeout)).map_err(io_error)?;
    let ask = |line: &str| -> Result<bool, CliError> {
        socket.send(line.as_bytes()).map_err(io_error)?;
        let mut buf = vec![0; 65_536];
        let n = socket.recv(&mut buf).map_err(io_error)?;
        show(&Reply { bytes: buf[..n].to_vec(), closed: false });
        Ok(false)
    };
    match &args.send {
        Some(message) => ask(message).map(drop),
        None => interact(ask),
    }
}

/// Prompts for lines until `-1` or end of input, asking each; stops early
/// when `ask` says the server closed.
fn interact(mut ask: impl FnMut(&str) -> Result<bool, CliError>) -> Result<(), CliError> {
    let stdin = io::stdin();
    let prompt = stdin.is_terminal();
    let mut lines = stdin.lock().lines();
    loop {
        if prompt {
            print!("message (or {QUIT} to quit)> ");
            io::stdout().flush().map_err(io_error)?;
        }
        let line = match lines.next() {
            Some(line) => line.map_err(io_error)?,
            None => return Ok(()),
        };
        if line.trim() == QUIT || ask(&line)? {
            return Ok(());
        }
    }
}

/// Prints a reply; returns whether the server closed the connection.
fn show(reply: &Reply) -> bool {
    if !reply.bytes.is_empty() {
        let text = String::from_utf8_lossy(&reply.bytes);
        println!("{}", text.strip_suffix('\n').unwrap_or(&text));
    }
    if reply.closed {
        eprintln!("(the server closed the connection)");
    }
    reply.closed
}

fn resolve(addr: &str) -> Result<SocketAddr, CliError> {
    let bad = |why: String| {
        CliError::usage(format!(
            "`{addr}`: {why}; give HOST:PORT such as 127.0.0.1:8084, or a Unix socket path"
        ))
    };
    let mut found = addr.to_socket_addrs().map_err(|err| bad(err.to_string()))?;
    found.next().ok_or_else(|| bad("resolves to no address".to_string()))
}

fn connect_error(addr: &str, err: &io::Error) -> CliError {
    CliError::runtime(format!("cannot connect to {addr}: {err}"))
}

fn io_error(err: io::Error) -> CliError {
    match err.kind() {
        io::ErrorKind::ConnectionRefused => CliError::runtime(format!("no server answers there: {err}")),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
            CliError::runtime("no reply in time (raise --timeout, or check the server)")
        }
        _ => CliError::runtime(format!("connection failed: {err}{}", tls_client::hint(&err))),
    }
}
