//! The seeds' clients against the binary: one message sent with no
//! newline and one `recv` (seed 004's `sock.send(b"John"); sock.recv(1024)`),
//! and a line client that pipelines several messages in one write.

mod cli_util;

use cli_util::Served;
use std::io::{BufRead, BufReader, Read, Write};

/// Seed-style: connect, send `message` unterminated, one `recv`.
fn seed_client(server: &Served, message: &str) -> String {
    let mut conn = server.tcp();
    conn.write_all(message.as_bytes()).unwrap();
    let mut buf = [0; 1024];
    let n = conn.read(&mut buf).unwrap();
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

/// Pipelining: every message in one write, then the replies in order.
fn pipelining_client(server: &Served, messages: &[&str]) -> Vec<String> {
    let mut conn = server.tcp();
    let batch: String = messages.iter().map(|m| format!("{m}\n")).collect();
    conn.write_all(batch.as_bytes()).unwrap();
    BufReader::new(conn).lines().take(messages.len()).map(Result::unwrap).collect()
}

#[test]
fn address_book_seed_and_pipelining_clients() {
    let server = Served::start(&["address-book", "--bind", "127.0.0.1:0"]);
    assert_eq!(seed_client(&server, "John"), "C45\n");
    assert_eq!(
        pipelining_client(&server, &["JOHN", "Denise", "phoebe", "Adam"]),
        ["C45", "C44", "D52", "B23"]
    );
    server.stop_cleanly();
}

#[test]
fn datetime_seed_and_pipelining_clients() {
    let server = Served::start(&["datetime", "--bind", "127.0.0.1:0"]);
    let date = seed_client(&server, "Date");
    assert_eq!(date.len(), "2019-02-19\n".len(), "{date:?}");
    assert_eq!(seed_client(&server, "DateAndTime").len(), "2019-02-19 15:50:44.720747\n".len());
    let replies = pipelining_client(&server, &["Date", "Time", "nonsense"]);
    assert_eq!(replies[0], date.trim_end());
    assert_eq!(replies[1].len(), "15:50:40".len(), "{replies:?}");
    assert_eq!(replies[2], "UNKNOWN OPTION: NONSENSE");
    server.stop_cleanly();
}

#[test]
fn reverse_seed_and_pipelining_clients() {
    let server = Served::start(&["reverse", "--bind", "127.0.0.1:0"]);
    assert_eq!(seed_client(&server, "SNS is the best course ever !"), "! reve esruoc tseb eht si SNS\n");
    assert_eq!(pipelining_client(&server, &["abc", "racecar", "12"]), ["cba", "racecar", "21"]);
    server.stop_cleanly();
}
