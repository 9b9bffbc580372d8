//! Accepted connections carry the server's timeouts and `TCP_NODELAY`,
//! whether set per connection or inherited from the listener.

use crossbeam_channel::{unbounded, Sender};
use parking_lot::Mutex;
use socketserver::request::Stream;
use socketserver::{Connection, RequestHandler, Server, SingleThread, Tcp};
use std::io::{self, Read};
use std::net::TcpStream;
use std::time::Duration;

/// A connection's read timeout, write timeout and `TCP_NODELAY`.
type Options = (Option<Duration>, Option<Duration>, bool);

/// Reports the options its connection has, then ends.
struct Inspect(Mutex<Sender<Options>>);

impl RequestHandler<Connection> for Inspect {
    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        let Stream::Tcp(tcp) = conn.stream() else { unreachable!("a TCP server's connection is TCP") };
        let options = (tcp.read_timeout()?, tcp.write_timeout()?, tcp.nodelay()?);
        let _ = self.0.lock().send(options);
        Ok(())
    }
}

#[test]
fn accepted_connections_have_the_configured_timeouts_and_nodelay() {
    let (report, options) = unbounded();
    let server = Server::builder(Inspect(Mutex::new(report)))
        .concurrency(SingleThread)
        .read_timeout(Duration::from_secs(7))
        .write_timeout(Duration::from_secs(9))
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    let addr = server.local_addr().as_inet().unwrap();
    let mut client = TcpStream::connect(addr).unwrap();
    assert!(server.handle_request(Some(Duration::from_secs(5))).unwrap());
    let (read, write, nodelay) = options.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(read, Some(Duration::from_secs(7)));
    assert_eq!(write, Some(Duration::from_secs(9)));
    assert!(nodelay);
    let _ = client.read(&mut [0; 1]);
}

/// A second UDP server on a port in use fails, as a second TCP server
/// does: with `SO_REUSEADDR` on UDP, Linux would let it bind and take a
/// share of the first one's datagrams.
#[test]
fn a_second_udp_server_on_the_same_port_is_refused() {
    use socketserver::{Datagram, Udp};
    struct Quiet;
    impl RequestHandler<Datagram> for Quiet {
        fn handle(&self, _datagram: &mut Datagram) -> io::Result<()> {
            Ok(())
        }
    }
    let first = Server::builder(Quiet).bind::<Udp>("127.0.0.1:0").unwrap();
    let addr = first.local_addr().clone();
    let second = Server::builder(Quiet).bind::<Udp>(&addr).map(|_| ()).unwrap_err();
    assert_eq!(second.kind(), io::ErrorKind::AddrInUse, "{second}");
    let tcp = Server::builder(Inspect(Mutex::new(unbounded().0))).bind::<Tcp>("127.0.0.1:0").unwrap();
    let taken = tcp.local_addr().clone();
    let again =
        Server::builder(Inspect(Mutex::new(unbounded().0))).bind::<Tcp>(&taken).map(|_| ()).unwrap_err();
    assert_eq!(again.kind(), io::ErrorKind::AddrInUse, "{again}");
}
