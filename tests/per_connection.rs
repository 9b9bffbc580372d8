//! `ThreadPerConnection`: its bookkeeping does not grow with the requests
//! served (Python's bpo-37193), and its cap applies.

mod util;

use socketserver::{Connection, Overload, RequestHandler, Server, Tcp, ThreadPerConnection};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use util::{serve, Gate, LineClient};

/// Writes `ok` and closes; with a gate, waits at it first.
struct Ok(Option<Arc<Gate>>);

impl RequestHandler<Connection> for Ok {
    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        if let Some(gate) = &self.0 {
            gate.wait();
        }
        conn.write_all(b"ok\n")
    }

    fn busy(&self, conn: &mut Connection) {
        let _ = conn.write_all(b"busy\n");
    }
}

#[test]
fn ten_thousand_connections_keep_few_handles() {
    const CONNECTIONS: usize = 10_000;
    let strategy = ThreadPerConnection::new();
    let server = Server::builder(Ok(None)).concurrency(strategy).bind::<Tcp>("127.0.0.1:0").unwrap();
    let serving = serve(server);
    let addr = serving.inet();
    let mut most = 0;
    let mut reply = Vec::new();
    for _ in 0..CONNECTIONS {
        reply.clear();
        TcpStream::connect(addr).unwrap().read_to_end(&mut reply).unwrap();
        assert_eq!(reply, b"ok\n");
        let kept = serving.server.concurrency().handles_kept();
        most = most.max(kept);
    }
    eprintln!("at most {most} thread handles kept over {CONNECTIONS} connections");
    assert!(most <= 32, "{most} thread handles kept: the bookkeeping grows with requests");
    let (server, report) = serving.shutdown();
    assert_eq!(report.cut_off, 0);
    assert_eq!(server.stats().served, CONNECTIONS as u64);
    assert_eq!(server.concurrency().handles_kept(), 0);
}

#[test]
fn the_cap_rejects_with_the_busy_reply() {
    let gate = Gate::new();
    let strategy = ThreadPerConnection::new().max_threads(1).overload(Overload::Reject);
    let server = Server::builder(Ok(Some(Arc::clone(&gate))))
        .concurrency(strategy)
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    let serving = serve(server);
    let mut first = LineClient::tcp(serving.inet());
    util::wait_until("the first thread to start", || serving.server.stats().active == 1);
    let mut second = LineClient::tcp(serving.inet());
    assert_eq!(second.line(), "busy");
    assert!(second.closed());
    gate.open();
    assert_eq!(first.line(), "ok");
    let (server, report) = serving.shutdown();
    assert_eq!(report.cut_off, 0);
    assert_eq!(server.stats().rejected, 1);
    assert_eq!(server.concurrency().handles_kept(), 0);
}
