//! Thread churn: 20,000 short connections through ThreadPerConnection and
//! ThreadPool; afterwards threads and memory are back near their idle
//! level.

mod util;

use socketserver::{
    Concurrency, Connection, RequestHandler, Server, ServerBuilder, Tcp, ThreadPerConnection, ThreadPool,
};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;
use util::{eventually, rss_kib, serve, thread_count, LOCAL};

/// Writes one byte and closes.
struct Once;

impl RequestHandler<Connection> for Once {
    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        conn.write_all(b"!")
    }
}

const CONNECTIONS: usize = 20_000;

fn churn<C: Concurrency>(builder: ServerBuilder<Once, C>) {
    let idle_threads = thread_count();
    let running = serve(builder.bind::<Tcp>(LOCAL).unwrap());
    let serving_threads = thread_count();
    let mut rss_after_warmup = 0;
    for index in 0..CONNECTIONS {
        let mut stream = TcpStream::connect(running.inet()).unwrap();
        let mut byte = [0u8; 1];
        stream.read_exact(&mut byte).unwrap();
        if index == 1_000 {
            rss_after_warmup = rss_kib();
        }
    }
    assert!(
        eventually(Duration::from_secs(5), || thread_count() <= serving_threads),
        "threads did not return to their level: {} now, {serving_threads} before",
        thread_count()
    );
    let grown = rss_kib().saturating_sub(rss_after_warmup);
    assert!(grown < 8 * 1024, "memory grew {grown} KiB over {CONNECTIONS} connections");
    running.stop_within(Duration::from_secs(5));
    assert!(
        eventually(Duration::from_secs(5), || thread_count() <= idle_threads),
        "server threads left after shutdown: {} now, {idle_threads} before",
        thread_count()
    );
}

/// One test, both strategies in turn: thread counts are per process, so
/// the two must not run side by side.
#[test]
fn threads_and_memory_return_to_idle() {
    churn(Server::builder(Once).concurrency(ThreadPerConnection::new()));
    churn(Server::builder(Once).concurrency(ThreadPool::new(8)));
}
