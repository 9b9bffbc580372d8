//! A tokio echo server, as a user would write it: a task per connection,
//! a 64 KiB buffer, `TCP_NODELAY`. With `--udp` it answers each datagram
//! with `OK...` and the datagram, as `socketserver serve ack` does. With
//! `--lines` it is the address book a tokio user would write instead of
//! `socketserver serve address-book`: `BufReader::read_line`, a `HashMap`
//! lookup of the name in capitals, the office and a newline back.
//!
//! `tokio-echo [--current-thread] [--udp | --lines] 127.0.0.1:0` prints
//! `bound=ADDR`.

use bench_servers::{announce, Options};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream, UdpSocket};

/// The address book of `socketserver serve address-book`.
const BOOK: [(&str, &str); 4] = [("JOHN", "C45"), ("DENISE", "C44"), ("PHOEBE", "D52"), ("ADAM", "B23")];

fn main() -> std::io::Result<()> {
    let options = Options::from_args("tokio-echo");
    let runtime = options.runtime();
    if options.udp {
        runtime.block_on(serve_udp(options.addr))
    } else {
        runtime.block_on(serve_tcp(options.addr, options.lines))
    }
}

async fn serve_tcp(addr: std::net::SocketAddr, lines: bool) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    announce(listener.local_addr()?);
    let book: Arc<HashMap<String, String>> =
        Arc::new(BOOK.iter().map(|(name, office)| (name.to_string(), office.to_string())).collect());
    loop {
        let (stream, _) = listener.accept().await?;
        if lines {
            tokio::spawn(answer_lines(stream, Arc::clone(&book)));
        } else {
            tokio::spawn(echo(stream));
        }
    }
}

/// Reads lines, answers each with the office of the name on it.
async fn answer_lines(stream: TcpStream, book: Arc<HashMap<String, String>>) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut line = String::new();
    loop {
        line.clear();
        if read.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let name = line.trim().to_uppercase();
        let office = book.get(&name).map_or("unknown", String::as_str);
        let mut answer = String::with_capacity(office.len() + 1);
        answer.push_str(office);
        answer.push('\n');
        write.write_all(answer.as_bytes()).await?;
    }
}

async fn echo(mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf = vec![0; 64 * 1024];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(&buf[..n]).await?;
    }
}

async fn serve_udp(addr: std::net::SocketAddr) -> std::io::Result<()> {
    let socket = UdpSocket::bind(addr).await?;
    announce(socket.local_addr()?);
    let mut buf = vec![0; 64 * 1024];
    let mut answer = Vec::with_capacity(64 * 1024 + 5);
    loop {
        let (n, peer) = socket.recv_from(&mut buf).await?;
        answer.clear();
        answer.extend_from_slice(b"OK...");
        answer.extend_from_slice(&buf[..n]);
        socket.send_to(&answer, peer).await?;
    }
}
