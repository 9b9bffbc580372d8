// cargo run --example datagram -- 127.0.0.1:0
//
// Python's `DatagramRequestHandler` example, ported: a UDP server that
// answers each datagram in capitals, on one thread (`SingleThread`, as
// Python's plain `UDPServer`). Try it with `nc -u 127.0.0.1 PORT`.
//
// It prints the address it bound, then serves until killed.

use socketserver::{Datagram, RequestHandler, Server, SingleThread, Udp};
use std::io;

/// One datagram in, the same in capitals back to its sender.
struct Upper;

impl RequestHandler<Datagram> for Upper {
    fn handle(&self, datagram: &mut Datagram) -> io::Result<()> {
        let answer = datagram.data().to_ascii_uppercase();
        datagram.reply(&answer)
    }

    /// A datagram over `max_message_size` (64 KiB by default) arrives cut
    /// to the limit; tell the sender rather than answer half of it.
    fn oversized(&self, datagram: &mut Datagram) {
        let _ = datagram.reply(b"too long\n");
    }
}

fn main() -> io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:9002".into());
    let server = Server::builder(Upper).concurrency(SingleThread).bind::<Udp>(addr.as_str())?;
    println!("listening on {}", server.local_addr());
    server.serve_forever()?;
    Ok(())
}
