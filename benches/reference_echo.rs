//! The reference server of `scripts/benchmark.sh`: a plain `std::net`
//! echo, a thread per connection, no limits and no timeouts, the floor
//! that shows what the framework's layers cost.
//!
//! `target/release/deps/reference_echo-* 127.0.0.1:0` prints `bound=ADDR`.
//! Plain `cargo bench` runs it with `--bench`: it then says what it is and
//! exits, rather than serving forever.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

fn main() -> std::io::Result<()> {
    let Some(addr) = std::env::args().nth(1).filter(|arg| !arg.starts_with("--")) else {
        println!("reference_echo: a server for scripts/benchmark.sh; run it with HOST:PORT");
        return Ok(());
    };
    let listener = TcpListener::bind(addr)?;
    println!("bound={}", listener.local_addr()?);
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || echo(stream));
    }
    Ok(())
}

fn echo(mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf = vec![0; 64 * 1024];
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(&buf[..n])?;
    }
}
