//! A tokio echo server, as a user would write it: a task per connection,
//! a 64 KiB buffer, `TCP_NODELAY`. With `--udp` it answers each datagram
//! with `OK...` and the datagram, as `socketserver serve ack` does.
//!
//! `tokio-echo [--current-thread] [--udp] 127.0.0.1:0` prints `bound=ADDR`.

use bench_servers::{announce, Options};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};

fn main() -> std::io::Result<()> {
    let options = Options::from_args("tokio-echo");
    let runtime = options.runtime();
    if options.udp {
        runtime.block_on(serve_udp(options.addr))
    } else {
        runtime.block_on(serve_tcp(options.addr))
    }
}

async fn serve_tcp(addr: std::net::SocketAddr) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    announce(listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(echo(stream));
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
