//! The TLS transport at library level: a message handler, a raw handler
//! and the HTTP layer served over TLS under each strategy, a large reply
//! to a slow reader, SNI, and certificate loading and reloading.

mod util;

use socketserver::handlers::Hello;
use socketserver::http::Http;
use socketserver::tls::rustls::server::ResolvesServerCertUsingSni;
use socketserver::tls::{load_certified_key, ReloadableCert, TlsConfig};
use socketserver::{
    Action, Connection, MessageHandler, Messages, Reply, RequestHandler, Server, SingleThread, Strategy,
    ThreadPerConnection, ThreadPool,
};
use std::io::{self, BufRead, BufReader, ErrorKind, Read, Write};
use std::sync::Arc;
use util::tls::{connect, TestCert};
use util::{serve, Upper};

/// A strategy by name, made fresh for each server.
type MakeStrategy = (&'static str, fn() -> Strategy);

fn strategies() -> [MakeStrategy; 3] {
    [
        ("pool", || Strategy::Pool(ThreadPool::new(4))),
        ("single", || Strategy::Single(SingleThread)),
        ("per-connection", || Strategy::Threads(ThreadPerConnection::new())),
    ]
}

/// Serves `handler` over TLS with `cert` under each strategy and runs
/// `client` against it.
fn under_each_strategy<H: RequestHandler<Connection>>(
    cert: &TestCert,
    tls: impl Fn() -> TlsConfig,
    handler: impl Fn() -> H,
    client: impl Fn(std::net::SocketAddr),
) {
    for (name, strategy) in strategies() {
        eprintln!("strategy {name}");
        let server =
            Server::builder(handler()).concurrency(strategy()).bind_tls("127.0.0.1:0", tls()).unwrap();
        let serving = serve(server);
        client(serving.inet());
        let (server, _) = serving.shutdown();
        assert_eq!(server.stats().panics, 0);
    }
    let _ = cert;
}

#[test]
fn a_message_handler_serves_over_tls_under_each_strategy() {
    let cert = TestCert::new("tls-msg");
    let handler = || Messages::new(Upper);
    under_each_strategy(
        &cert,
        || cert.server_config(),
        handler,
        |addr| {
            let mut client = connect(addr, cert.client_config(&[]), "localhost");
            client.write_all(b"hello\nworld\n").unwrap();
            let mut reader = BufReader::new(client);
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            reader.read_line(&mut line).unwrap();
            assert_eq!(line, "HELLO\nWORLD\n");
            assert_eq!(
                reader.get_ref().conn.protocol_version(),
                Some(socketserver::tls::rustls::ProtocolVersion::TLSv1_3)
            );
        },
    );
}

/// Greets first (the server speaks first), then echoes lines until the
/// client closes.
#[derive(Clone)]
struct GreetEcho;

impl RequestHandler<Connection> for GreetEcho {
    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        conn.write_all(b"hi\n")?;
        let mut line = String::new();
        while conn.read_line(&mut line)? > 0 {
            conn.write_all(line.as_bytes())?;
            line.clear();
        }
        Ok(())
    }
}

#[test]
fn a_raw_handler_serves_over_tls_under_each_strategy() {
    let cert = TestCert::new("tls-raw");
    under_each_strategy(
        &cert,
        || cert.server_config(),
        || GreetEcho,
        |addr| {
            let client = connect(addr, cert.client_config(&[]), "localhost");
            let mut reader = BufReader::new(client);
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            assert_eq!(line, "hi\n");
            reader.get_mut().write_all(b"one\ntwo\n").unwrap();
            line.clear();
            reader.read_line(&mut line).unwrap();
            reader.read_line(&mut line).unwrap();
            assert_eq!(line, "one\ntwo\n");
        },
    );
}

#[test]
fn the_http_layer_serves_over_tls_with_alpn() {
    let cert = TestCert::new("tls-http");
    let handler = || Http::new(Hello);
    let tls = || cert.server_config().alpn(&[b"http/1.1"]);
    under_each_strategy(&cert, tls, handler, |addr| {
        let mut client = connect(addr, cert.client_config(&[b"h2", b"http/1.1"]), "localhost");
        for _ in 0..2 {
            client.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
            let text = read_response(&mut client);
            assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
            assert!(text.contains("Hello From Server at "), "{text}");
        }
        assert_eq!(client.conn.alpn_protocol(), Some(&b"http/1.1"[..]));
    });
}

/// Reads one response with a `Content-Length` body.
fn read_response(stream: &mut impl Read) -> String {
    let mut data = Vec::new();
    let mut byte = [0u8; 1];
    while !data.ends_with(b"\r\n\r\n") {
        assert_eq!(stream.read(&mut byte).unwrap(), 1, "the response ended early: {data:?}");
        data.push(byte[0]);
    }
    let head = String::from_utf8(data.clone()).unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase().strip_prefix("content-length: ").map(|v| v.trim().parse().unwrap())
        })
        .expect("a content-length");
    let mut body = vec![0; length];
    stream.read_exact(&mut body).unwrap();
    data.extend_from_slice(&body);
    String::from_utf8(data).unwrap()
}

const BIG: usize = 8 << 20;

/// Answers `big` with 8 MiB of `x` and a newline, anything else in upper
/// case.
struct Big;

impl MessageHandler for Big {
    type Session = ();

    fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
        if message == b"big" {
            reply.push(&vec![b'x'; BIG]);
        } else {
            reply.push(&message.to_ascii_uppercase());
        }
        Action::Continue
    }
}

/// 8 MiB is more than the kernel buffers between the two ends (the
/// client's receive buffer is made small), so the server's writes would
/// block, ciphertext waits in rustls, and the rest must go out as the
/// client reads: then the next reply must follow.
#[test]
fn a_large_reply_reaches_a_slow_reader_over_tls() {
    let cert = TestCert::new("tls-big");
    let handler = || Messages::new(Big);
    under_each_strategy(
        &cert,
        || cert.server_config(),
        handler,
        |addr| {
            let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
            socket.set_recv_buffer_size(4096).unwrap();
            socket.connect(&addr.into()).unwrap();
            let tcp: std::net::TcpStream = socket.into();
            tcp.set_read_timeout(Some(util::PATIENCE)).unwrap();
            let name = socketserver::tls::rustls::pki_types::ServerName::try_from("localhost").unwrap();
            let conn =
                socketserver::tls::rustls::ClientConnection::new(cert.client_config(&[]), name).unwrap();
            let mut client = socketserver::tls::rustls::StreamOwned::new(conn, tcp);
            client.write_all(b"big\n").unwrap();
            let mut reader = BufReader::with_capacity(1024, client);
            let mut line = Vec::new();
            reader.read_until(b'\n', &mut line).unwrap();
            assert_eq!(line.len(), BIG + 1);
            assert!(line[..BIG].iter().all(|&b| b == b'x'));
            // Only now: the whole reply had to come without another request.
            reader.get_mut().write_all(b"next\n").unwrap();
            line.clear();
            reader.read_until(b'\n', &mut line).unwrap();
            assert_eq!(line, b"NEXT\n");
        },
    );
}

/// A raw handler writes 8 MiB on a blocking socket: every byte arrives.
#[derive(Clone)]
struct RawBig;

impl RequestHandler<Connection> for RawBig {
    fn handle(&self, conn: &mut Connection) -> io::Result<()> {
        conn.write_all(&vec![b'y'; BIG])?;
        conn.write_all(b"\nend\n")
    }
}

#[test]
fn a_raw_handler_writes_a_large_reply_over_tls() {
    let cert = TestCert::new("tls-rawbig");
    under_each_strategy(
        &cert,
        || cert.server_config(),
        || RawBig,
        |addr| {
            let mut client = connect(addr, cert.client_config(&[]), "localhost");
            let mut all = Vec::new();
            // The connection ends with close_notify, not a bare close.
            client.read_to_end(&mut all).expect("a clean end of the TLS stream");
            assert_eq!(all.len(), BIG + 5);
            assert!(all.ends_with(b"\nend\n"));
        },
    );
}

#[test]
fn sni_picks_the_certificate_for_the_name() {
    let a = TestCert::from_params("tls-sni-a", rcgen::CertificateParams::new(vec!["a.test".into()]).unwrap());
    let b = TestCert::from_params("tls-sni-b", rcgen::CertificateParams::new(vec!["b.test".into()]).unwrap());
    let mut sni = ResolvesServerCertUsingSni::new();
    sni.add("a.test", load_certified_key(&a.cert, &a.key).unwrap()).unwrap();
    sni.add("b.test", load_certified_key(&b.cert, &b.key).unwrap()).unwrap();
    let tls = TlsConfig::with_resolver(Arc::new(sni)).unwrap();
    let server = Server::builder(Messages::new(Upper))
        .concurrency(ThreadPool::new(2))
        .bind_tls("127.0.0.1:0", tls)
        .unwrap();
    let serving = serve(server);
    for (name, cert) in [("a.test", &a), ("b.test", &b)] {
        let mut client = connect(serving.inet(), cert.client_config(&[]), name);
        client.write_all(b"sni\n").unwrap();
        let mut reply = [0u8; 4];
        client.read_exact(&mut reply).unwrap();
        assert_eq!(&reply, b"SNI\n");
        assert_eq!(client.conn.peer_certificates().unwrap()[0], cert.der);
    }
    // A name with no certificate: the handshake fails, the server goes on.
    let mut other = connect(serving.inet(), a.client_config(&[]), "c.test");
    assert!(other.write_all(b"x\n").and_then(|()| other.read(&mut [0u8; 4])).is_err());
    serving.shutdown();
}

/// SECURITY.md: the client's order of the cipher suites wins (rustls's
/// default, and Mozilla's advice when every suite offered is strong: the
/// client knows whether it has AES hardware). A client that puts ChaCha20
/// first gets it; one that puts AES-128 first gets that.
#[test]
fn the_client_s_order_of_cipher_suites_wins() {
    use socketserver::tls::rustls::crypto::ring::{cipher_suite, default_provider};
    use socketserver::tls::rustls::{ClientConfig, SupportedCipherSuite};
    let cert = TestCert::new("tls-order");
    let server = Server::builder(Messages::new(Upper))
        .concurrency(ThreadPool::new(2))
        .bind_tls("127.0.0.1:0", cert.server_config())
        .unwrap();
    let serving = serve(server);
    let preferences: [[SupportedCipherSuite; 2]; 2] = [
        [cipher_suite::TLS13_CHACHA20_POLY1305_SHA256, cipher_suite::TLS13_AES_256_GCM_SHA384],
        [cipher_suite::TLS13_AES_128_GCM_SHA256, cipher_suite::TLS13_AES_256_GCM_SHA384],
    ];
    for suites in preferences {
        let provider = socketserver::tls::rustls::crypto::CryptoProvider {
            cipher_suites: suites.to_vec(),
            ..default_provider()
        };
        let config = ClientConfig::builder_with_provider(Arc::new(provider))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(trusting_roots(&cert))
            .with_no_client_auth();
        let mut client = connect(serving.inet(), Arc::new(config), "localhost");
        client.write_all(b"order\n").unwrap();
        let mut reply = [0u8; 6];
        client.read_exact(&mut reply).unwrap();
        assert_eq!(&reply, b"ORDER\n");
        assert_eq!(client.conn.negotiated_cipher_suite(), Some(suites[0]), "the client's first choice");
    }
    serving.shutdown();
}

/// Roots that trust `cert` only.
fn trusting_roots(cert: &TestCert) -> socketserver::tls::rustls::RootCertStore {
    let mut roots = socketserver::tls::rustls::RootCertStore::empty();
    roots.add(cert.der.clone()).unwrap();
    roots
}

#[test]
fn loading_names_the_file_and_the_problem() {
    let good = TestCert::new("tls-load");
    let other = TestCert::new("tls-load-other");
    let err = load_certified_key(&good.cert, &other.key).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    assert!(err.to_string().contains("does not match"), "{err}");
    assert!(err.to_string().contains(other.key.to_str().unwrap()), "{err}");

    let err = load_certified_key(good.dir.path().join("nope.pem"), &good.key).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.to_string().contains("nope.pem"), "{err}");

    let err = load_certified_key(&good.key, &good.key).unwrap_err();
    assert!(err.to_string().contains("holds no certificate"), "{err}");
    let err = load_certified_key(&good.cert, &good.cert).unwrap_err();
    assert!(err.to_string().contains("holds no private key"), "{err}");

    let mut params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
    params.not_before = rcgen::date_time_ymd(2001, 1, 1);
    params.not_after = rcgen::date_time_ymd(2002, 3, 4);
    let expired = TestCert::from_params("tls-expired", params);
    let err = load_certified_key(&expired.cert, &expired.key).unwrap_err();
    assert!(err.to_string().contains("expired on 2002-03-04"), "{err}");
    assert!(err.to_string().contains(expired.cert.to_str().unwrap()), "{err}");

    let mut params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
    params.not_before = rcgen::date_time_ymd(2200, 1, 1);
    params.not_after = rcgen::date_time_ymd(2201, 1, 1);
    let future = TestCert::from_params("tls-future", params);
    let err = load_certified_key(&future.cert, &future.key).unwrap_err();
    assert!(err.to_string().contains("not valid before 2200-01-01"), "{err}");
}

#[test]
fn a_reload_serves_the_new_certificate_and_keeps_the_old_on_a_bad_file() {
    let first = TestCert::new("tls-reload");
    let cert = Arc::new(ReloadableCert::load(&first.cert, &first.key).unwrap());
    let tls = TlsConfig::with_resolver(cert.clone()).unwrap();
    let server = Server::builder(Messages::new(Upper))
        .concurrency(ThreadPool::new(2))
        .bind_tls("127.0.0.1:0", tls)
        .unwrap();
    let serving = serve(server);
    let ask = |trust: &TestCert| {
        let mut client = connect(serving.inet(), trust.client_config(&[]), "localhost");
        client.write_all(b"a\n").and_then(|()| client.read_exact(&mut [0u8; 2]))
    };
    let mut before = connect(serving.inet(), first.client_config(&[]), "localhost");
    before.write_all(b"x\n").unwrap();
    before.read_exact(&mut [0u8; 2]).unwrap();

    let second = TestCert::new("tls-reload2");
    std::fs::copy(&second.cert, &first.cert).unwrap();
    std::fs::copy(&second.key, &first.key).unwrap();
    cert.reload().unwrap();
    ask(&second).expect("the new certificate is served");
    assert!(ask(&first).is_err(), "the old certificate is still served");

    std::fs::write(&first.key, "not a key").unwrap();
    let err = cert.reload().unwrap_err();
    assert!(err.to_string().contains("holds no private key"), "{err}");
    ask(&second).expect("a bad file keeps the pair in use");

    // The connection made before the reloads still works.
    before.write_all(b"y\n").unwrap();
    let mut reply = [0u8; 2];
    before.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"Y\n");
    serving.shutdown();
}

#[test]
fn plain_bind_refuses_without_a_certificate() {
    let err = Server::builder(Messages::new(Upper)).bind::<socketserver::Tls>("127.0.0.1:0").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("bind_tls"), "{err}");
}
