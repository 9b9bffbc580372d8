//! A UDP flood far faster than the server answers, and oversized
//! datagrams: memory stays bounded, nothing crashes, and the server answers
//! promptly once the flood stops.

mod util;

use socketserver::{Action, MessageHandler, Messages, Reply, Server, ThreadPool, Udp};
use std::net::UdpSocket;
use std::time::{Duration, Instant};
use util::{rss_kib, serve, LOCAL};

struct Slowish;

impl MessageHandler for Slowish {
    type Session = ();

    fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
        // Real work per datagram, so the flood outruns the server.
        let mut sum = 0u64;
        for round in 0..2_000u64 {
            sum = sum.wrapping_add(round * message.len() as u64);
        }
        std::hint::black_box(sum);
        reply.push(b"ok");
        Action::Continue
    }
}

#[test]
fn flood_is_absorbed_and_the_server_recovers() {
    let builder = Server::builder(Messages::new(Slowish))
        .concurrency(ThreadPool::new(2).queue(16))
        .max_message_size(512);
    let running = serve(builder.bind::<Udp>(LOCAL).unwrap());
    let handle = running.server.handle().clone();
    let before = rss_kib();

    let flooder = UdpSocket::bind("127.0.0.1:0").unwrap();
    flooder.set_nonblocking(true).unwrap();
    let payload = [b'x'; 256];
    let oversized = [b'y'; 2048];
    for index in 0..100_000 {
        let data: &[u8] = if index % 10 == 0 { &oversized } else { &payload };
        let _ = flooder.send_to(data, running.inet());
    }
    assert!(handle.stats().oversized > 0, "oversized datagrams were detected");
    assert!(rss_kib() < before + 32 * 1024, "memory grew by more than 32 MiB during the flood");

    // After the flood: a fresh client is answered promptly.
    let probe = UdpSocket::bind("127.0.0.1:0").unwrap();
    probe.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    let started = Instant::now();
    let mut answer = [0u8; 16];
    let got = loop {
        probe.send_to(b"probe\n", running.inet()).unwrap();
        match probe.recv(&mut answer) {
            Ok(n) => break n,
            Err(_) if started.elapsed() < Duration::from_secs(5) => continue,
            Err(err) => panic!("no answer within 5 s of the flood ending: {err}"),
        }
    };
    assert_eq!(&answer[..got], b"ok\n");
    assert!(started.elapsed() < Duration::from_secs(2), "answered after {:?}", started.elapsed());
    running.stop_within(Duration::from_secs(5));
}
