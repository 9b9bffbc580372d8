//! TLS behind a load balancer: the PROXY protocol header comes before the
//! ClientHello on the wire, so the server reads it first (from the raw
//! socket) and the handshake starts only after it, for a protocol (the
//! HTTP layer) and for a raw handler alike.

mod util;

use socketserver::http::{Http, HttpHandler, HttpRequest, HttpResponse};
use socketserver::tls::rustls::{pki_types::ServerName, ClientConnection, StreamOwned};
use socketserver::{Connection, RequestHandler, Server, ThreadPool};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use util::tls::TestCert;
use util::{serve, PATIENCE};

/// Answers with the client's address as the server sees it.
struct Peer;

impl HttpHandler for Peer {
    fn respond(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        Ok(HttpResponse::text(200, req.peer_addr().to_string()))
    }
}

impl RequestHandler<Connection> for Peer {
    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        let peer = conn.peer_addr().to_string();
        conn.write_all(peer.as_bytes())
    }
}

/// Connects, sends a PROXY v1 header naming 192.0.2.7:4321 in plain
/// text, then speaks TLS over the same socket: sends `request` and reads
/// to the end.
fn through_proxy(addr: SocketAddr, cert: &TestCert, alpn: &[&[u8]], request: &[u8]) -> String {
    let mut tcp = TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(PATIENCE)).unwrap();
    tcp.write_all(b"PROXY TCP4 192.0.2.7 192.0.2.1 4321 443\r\n").unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let mut tls = StreamOwned::new(ClientConnection::new(cert.client_config(alpn), name).unwrap(), tcp);
    tls.write_all(request).unwrap();
    let mut answer = Vec::new();
    tls.read_to_end(&mut answer).expect("a clean end of the TLS stream");
    String::from_utf8(answer).unwrap()
}

#[test]
fn the_http_layer_reads_the_proxy_header_before_the_handshake() {
    let cert = TestCert::new("tlsp-http");
    let tls = cert.server_config().alpn(&[b"http/1.1"]);
    let server = Server::builder(Http::new(Peer))
        .concurrency(ThreadPool::new(2))
        .proxy_protocol(true)
        .bind_tls("127.0.0.1:0", tls)
        .unwrap();
    let serving = serve(server);
    let request = b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    let answer = through_proxy(serving.inet(), &cert, &[b"http/1.1"], request);
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with("192.0.2.7:4321"), "{answer}");
    serving.shutdown();
}

#[test]
fn a_raw_handler_reads_the_proxy_header_before_the_handshake() {
    let cert = TestCert::new("tlsp-raw");
    let server = Server::builder(Peer)
        .concurrency(ThreadPool::new(2))
        .proxy_protocol(true)
        .bind_tls("127.0.0.1:0", cert.server_config())
        .unwrap();
    let serving = serve(server);
    assert_eq!(through_proxy(serving.inet(), &cert, &[], b""), "192.0.2.7:4321");
    serving.shutdown();
}
