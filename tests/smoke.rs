use socketserver::handlers::Echo;
use socketserver::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

struct Upper;
impl MessageHandler for Upper {
    type Session = ();
    fn handle(&self, _: &mut (), m: &[u8], r: &mut Reply<'_>) -> Action {
        r.push(&m.to_ascii_uppercase());
        Action::Continue
    }
}

#[test]
fn echo_and_lines() {
    let server = Server::builder(Echo).bind::<Tcp>("127.0.0.1:0").unwrap();
    let addr = server.local_addr().as_inet().unwrap();
    let stop = server.shutdown_handle();
    let t = std::thread::spawn(move || server.serve_forever());
    let mut c = TcpStream::connect(addr).unwrap();
    c.write_all(b"abc").unwrap();
    c.shutdown(std::net::Shutdown::Write).unwrap();
    let mut v = vec![];
    c.read_to_end(&mut v).unwrap();
    assert_eq!(v, b"abc");
    stop.shutdown();
    t.join().unwrap().unwrap();

    let server = Server::builder(Messages::new(Upper))
        .concurrency(ThreadPerConnection::new())
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    let addr = server.local_addr().as_inet().unwrap();
    let stop = server.shutdown_handle();
    let t = std::thread::spawn(move || server.serve_forever());
    let mut c = TcpStream::connect(addr).unwrap();
    c.write_all(b"abc\ndef\n").unwrap();
    let mut r = BufReader::new(c);
    let mut l = String::new();
    r.read_line(&mut l).unwrap();
    r.read_line(&mut l).unwrap();
    assert_eq!(l, "ABC\nDEF\n");
    stop.shutdown();
    let rep = t.join().unwrap().unwrap();
    eprintln!("{rep:?}");
}
