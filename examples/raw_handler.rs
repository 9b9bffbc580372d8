// cargo run --example raw_handler -- 127.0.0.1:0
//
// Python's `StreamRequestHandler` example, ported: a raw handler with
// `setup`, `handle` and `finish`, served by `ThreadPerConnection` (a raw
// handler holds its thread while the client is connected, as in Python's
// `ThreadingTCPServer`). Try it with `nc 127.0.0.1 PORT`: it greets, then
// answers each line in capitals until you send `bye` or close.
//
// It prints the address it bound, then serves until killed.

use socketserver::{Connection, RequestHandler, Server, Tcp, ThreadPerConnection};
use std::io::{self, BufRead, Write};

/// Greets in `setup`, shouts in `handle`, says goodbye in `finish`.
struct Shout;

impl RequestHandler<Connection> for Shout {
    fn setup(&self, conn: &mut Connection) -> io::Result<()> {
        let peer = conn.peer_addr().clone();
        writeln!(conn, "hello {peer}; send lines, `bye` to end")
    }

    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        let mut line = String::new();
        while conn.read_line(&mut line)? > 0 {
            if line.trim_end() == "bye" {
                break;
            }
            conn.write_all(line.to_uppercase().as_bytes())?;
            line.clear();
        }
        Ok(())
    }

    fn finish(&self, conn: &mut Connection) -> io::Result<()> {
        // Runs whatever `handle` did; a client that already left makes
        // this write fail, which is reported at `debug` and harms nothing.
        conn.write_all(b"goodbye\n")
    }
}

fn main() -> io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:9001".into());
    let server = Server::builder(Shout).concurrency(ThreadPerConnection::new()).bind::<Tcp>(addr.as_str())?;
    println!("listening on {}", server.local_addr());
    server.serve_forever()?;
    Ok(())
}
