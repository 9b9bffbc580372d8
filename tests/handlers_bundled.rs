//! The bundled line servers, through the library, over every transport
//! each supports: seed-style clients (one unterminated send, one recv),
//! pipelining line clients, and datagram clients.

mod util;

use chrono::{Local, TimeZone};
use socketserver::handlers::{Ack, AddressBook, DateTime, Daytime, Qotd, Reverse, SupportBot};
use socketserver::{
    Address, MessageHandler, Messages, RequestHandler, Server, Tcp, ThreadPool, Transport, Udp, UnixDatagram,
    UnixStream,
};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::time::Duration;
use util::{serve, AnyServing, DatagramClient, TempDir, LOCAL, PATIENCE};

// ---------------------------------------------------------------------------
// The servers over each transport, and the seeds' clients.
// ---------------------------------------------------------------------------

/// What the `socketserver` binary uses for the bundled line servers.
const GRACE: Duration = Duration::from_millis(100);

/// A bundled server on a thread, and the directory of its socket files
/// (the server's and its datagram clients').
struct Bundled {
    serving: AnyServing,
    dir: TempDir,
}

/// The transports a test runs over.
#[derive(Clone, Copy, Debug)]
enum Over {
    Tcp,
    Unix,
    Udp,
    UnixDgram,
}

const STREAMS: [Over; 2] = [Over::Tcp, Over::Unix];
const DATAGRAMS: [Over; 2] = [Over::Udp, Over::UnixDgram];

fn serve_over<H: MessageHandler>(handler: H, over: Over) -> Bundled {
    serve_messages(Messages::new(handler).unterminated_after(GRACE), over)
}

fn serve_messages<H: MessageHandler>(messages: Messages<H>, over: Over) -> Bundled {
    let dir = TempDir::new("bundled");
    let path = dir.path().join("server.sock");
    let serving = match over {
        Over::Tcp => start::<Tcp, H>(messages, LOCAL),
        Over::Unix => start::<UnixStream, H>(messages, path),
        Over::Udp => start::<Udp, H>(messages, LOCAL),
        Over::UnixDgram => start::<UnixDatagram, H>(messages, path),
    };
    Bundled { serving, dir }
}

fn start<T, H>(messages: Messages<H>, addr: impl socketserver::IntoAddress) -> AnyServing
where
    T: Transport,
    H: MessageHandler,
    Messages<H>: RequestHandler<T::Request>,
{
    serve(Server::builder(messages).concurrency(ThreadPool::new(4)).bind::<T>(addr).unwrap()).erased()
}

/// A stream client: TCP or Unix.
trait Duplex: Read + Write {
    /// Shuts down the write side: the server sees end of stream.
    fn shutdown_write(&self);
}

impl Duplex for std::net::TcpStream {
    fn shutdown_write(&self) {
        self.shutdown(std::net::Shutdown::Write).unwrap();
    }
}

impl Duplex for std::os::unix::net::UnixStream {
    fn shutdown_write(&self) {
        self.shutdown(std::net::Shutdown::Write).unwrap();
    }
}

fn connect(server: &Bundled) -> Box<dyn Duplex> {
    match server.serving.addr() {
        Address::Inet(addr) => {
            let stream = std::net::TcpStream::connect(addr).unwrap();
            stream.set_read_timeout(Some(PATIENCE)).unwrap();
            Box::new(stream)
        }
        Address::Unix(path) => {
            let stream = std::os::unix::net::UnixStream::connect(path).unwrap();
            stream.set_read_timeout(Some(PATIENCE)).unwrap();
            Box::new(stream)
        }
        other => panic!("a server is bound to an inet address or a path, not {other:?}"),
    }
}

/// The seeds' client: one send with no newline, one recv.
fn seed_exchange(client: &mut dyn Duplex, message: &str) -> String {
    client.write_all(message.as_bytes()).unwrap();
    let mut answer = [0; 1024];
    let n = client.read(&mut answer).unwrap();
    String::from_utf8(answer[..n].to_vec()).unwrap()
}

/// A fresh connection per message, as seed 004 §39.10's client does.
fn seed_ask(server: &Bundled, message: &str) -> String {
    seed_exchange(&mut *connect(server), message)
}

/// A line client: writes all `lines` in one write, reads `answers` lines.
fn pipeline(client: &mut dyn Duplex, lines: &str, answers: usize) -> Vec<String> {
    client.write_all(lines.as_bytes()).unwrap();
    read_lines(client, answers)
}

/// Reads exactly `n` lines, byte by byte so nothing past them is taken.
fn read_lines(client: &mut dyn Duplex, n: usize) -> Vec<String> {
    let mut reader = BufReader::with_capacity(1, client);
    (0..n)
        .map(|_| {
            let mut line = String::new();
            assert!(reader.read_line(&mut line).unwrap() > 0, "the server closed early");
            line.strip_suffix('\n').expect("replies end with a newline").to_string()
        })
        .collect()
}

/// Reads until the server closes.
fn read_all(client: &mut dyn Duplex) -> String {
    let mut all = String::new();
    client.read_to_string(&mut all).unwrap();
    all
}

/// A datagram client of the server (a Unix one bound to `name` in the
/// server's directory, so it can be answered).
fn peer(server: &Bundled, name: &str) -> DatagramClient {
    match server.serving.addr() {
        Address::Inet(addr) => DatagramClient::udp(*addr),
        Address::Unix(path) => DatagramClient::unix(path, &server.dir.path().join(name)),
        other => panic!("a server is bound to an inet address or a path, not {other:?}"),
    }
}

fn fixed_clock() -> chrono::DateTime<Local> {
    Local.with_ymd_and_hms(2019, 2, 19, 15, 50, 44).unwrap() + chrono::Duration::microseconds(720_747)
}

// ---------------------------------------------------------------------------
// address-book (seed 004 §39.4)
// ---------------------------------------------------------------------------

#[test]
fn address_book_answers_the_seed_client_over_streams() {
    for over in STREAMS {
        let server = serve_over(AddressBook::default(), over);
        assert_eq!(seed_ask(&server, "John"), "C45\n", "{over:?}");
        // An unknown name is answered, and the connection stays open.
        let mut client = connect(&server);
        assert_eq!(seed_exchange(&mut *client, "Bob"), "UNKNOWN NAME: Bob\n", "{over:?}");
        assert_eq!(seed_exchange(&mut *client, "phoebe"), "D52\n", "{over:?}");
        assert_eq!(seed_exchange(&mut *client, "ADAM"), "B23\n", "{over:?}");
    }
}

#[test]
fn address_book_answers_a_partial_line_ended_by_eof() {
    for over in STREAMS {
        let server = serve_over(AddressBook::default(), over);
        let mut client = connect(&server);
        client.write_all(b"Adam\nJohn").unwrap();
        // Shutting down the write side ends the last, unterminated message.
        client.shutdown_write();
        assert_eq!(read_all(&mut *client), "B23\nC45\n", "{over:?}");
    }
}

#[test]
fn address_book_answers_pipelined_lines_in_order() {
    for over in STREAMS {
        let server = serve_over(AddressBook::default(), over);
        let mut client = connect(&server);
        let answers = pipeline(&mut *client, "john\nBob\nADAM\r\n\n Denise \n", 5);
        assert_eq!(answers, ["C45", "UNKNOWN NAME: Bob", "B23", "NO NAME: send a name, such as JOHN", "C44"]);
        assert_eq!(pipeline(&mut *client, "Phoebe\n", 1), ["D52"], "{over:?}");
    }
}

#[test]
fn address_book_answers_datagrams() {
    for over in DATAGRAMS {
        let server = serve_over(AddressBook::default(), over);
        let client = peer(&server, "client.sock");
        assert_eq!(client.ask_raw("John"), "C45\n", "{over:?}");
        assert_eq!(client.ask_raw("denise\n"), "C44\n", "{over:?}");
        assert_eq!(client.ask_raw("Zoe"), "UNKNOWN NAME: Zoe\n", "{over:?}");
    }
}

#[test]
fn address_book_serves_a_loaded_toml_file() {
    let scratch = TempDir::new("bundled");
    let path = scratch.file("book.toml", "# Our offices\n[entries]\nJohn = \"A1\"\n\"Mary Ann\" = \"B12\"\n");
    let book = AddressBook::load(&path).unwrap();
    assert_eq!(book.len(), 2);
    let server = serve_over(book, Over::Tcp);
    let mut client = connect(&server);
    let answers = pipeline(&mut *client, "JOHN\nmary ann\nDenise\n", 3);
    assert_eq!(answers, ["A1", "B12", "UNKNOWN NAME: Denise"]);
}

#[test]
fn address_book_serves_a_loaded_csv_file() {
    let scratch = TempDir::new("bundled");
    let path = scratch.file("book.csv", "name,office\nZoe,F1\n\n# temps\nYann,G7\n");
    let server = serve_over(AddressBook::load(&path).unwrap(), Over::Udp);
    let client = peer(&server, "client");
    assert_eq!(client.ask_raw("zoe"), "F1\n");
    assert_eq!(client.ask_raw("YANN"), "G7\n");
    assert_eq!(client.ask_raw("John"), "UNKNOWN NAME: John\n");
}

#[test]
fn address_book_refuses_a_malformed_file_naming_the_line() {
    let scratch = TempDir::new("bundled");
    let cases = [
        ("bad.toml", "[entries]\nJOHN = \"C45\"\nMARY = 12\n", "line 3"),
        ("unclosed.toml", "[entries]\nJOHN = \"C45\nMARY = \"B1\"\n", "line 2"),
        ("other.toml", "[people]\nJOHN = \"C45\"\n", "people"),
        ("bad.csv", "name,office\nJohn,C45\nMary;B12\n", "line 3"),
        ("empty-office.csv", "John,C45\nMary,\n", "line 2"),
        ("twice.csv", "John,C45\n\njohn,C46\n", "line 3"),
        ("book.json", "{}", "accepted: a .toml file"),
    ];
    for (name, contents, expected) in cases {
        let path = scratch.file(name, contents);
        let error = AddressBook::load(&path).unwrap_err();
        assert!(error.starts_with(&path.display().to_string()), "{error}");
        assert!(error.contains(expected), "{name}: `{error}` lacks `{expected}`");
    }
    let missing = AddressBook::load(Path::new("/nonexistent/book.toml")).unwrap_err();
    assert!(missing.contains("cannot read"), "{missing}");
}

// ---------------------------------------------------------------------------
// datetime (seed 004 §39.10)
// ---------------------------------------------------------------------------

#[test]
fn datetime_answers_the_seed_client_over_streams() {
    for over in STREAMS {
        let server = serve_over(DateTime::with_clock(fixed_clock), over);
        assert_eq!(seed_ask(&server, "Date"), "2019-02-19\n", "{over:?}");
        assert_eq!(seed_ask(&server, "Time"), "15:50:44\n", "{over:?}");
        assert_eq!(seed_ask(&server, "DateAndTime"), "2019-02-19 15:50:44.720747\n", "{over:?}");
        assert_eq!(seed_ask(&server, "Date and Time"), "2019-02-19 15:50:44.720747\n", "{over:?}");
        assert_eq!(seed_ask(&server, "weather"), "UNKNOWN OPTION: WEATHER\n", "{over:?}");
    }
}

#[test]
fn datetime_answers_pipelined_lines_in_order() {
    for over in STREAMS {
        let server = serve_over(DateTime::with_clock(fixed_clock), over);
        let mut client = connect(&server);
        let answers = pipeline(&mut *client, "date\nTIME\ndate AND time\n-1\n", 4);
        assert_eq!(answers, ["2019-02-19", "15:50:44", "2019-02-19 15:50:44.720747", "UNKNOWN OPTION: -1"]);
    }
}

#[test]
fn datetime_answers_datagrams() {
    for over in DATAGRAMS {
        let server = serve_over(DateTime::with_clock(fixed_clock), over);
        let client = peer(&server, "client");
        assert_eq!(client.ask_raw("Date"), "2019-02-19\n", "{over:?}");
        assert_eq!(client.ask_raw("dateandtime\n"), "2019-02-19 15:50:44.720747\n", "{over:?}");
        assert_eq!(client.ask_raw("Now"), "UNKNOWN OPTION: NOW\n", "{over:?}");
    }
}

#[test]
fn datetime_reads_the_local_clock_by_default() {
    let server = serve_over(DateTime::default(), Over::Tcp);
    let before = Local::now().date_naive();
    let answer = seed_ask(&server, "Date");
    let after = Local::now().date_naive();
    let date = chrono::NaiveDate::parse_from_str(answer.trim_end(), "%Y-%m-%d").unwrap();
    assert!(date == before || date == after, "{answer}");
}

// ---------------------------------------------------------------------------
// reverse (seed 002 §8.3)
// ---------------------------------------------------------------------------

#[test]
fn reverse_answers_the_seed_client_over_streams() {
    for over in STREAMS {
        let server = serve_over(Reverse, over);
        let mut client = connect(&server);
        // The seed's client sends the same message, then again on `y`.
        for _ in 0..2 {
            let answer = seed_exchange(&mut *client, "SNS is the best course ever !");
            assert_eq!(answer, "! reve esruoc tseb eht si SNS\n", "{over:?}");
        }
    }
}

#[test]
fn reverse_answers_pipelined_lines_in_order() {
    for over in STREAMS {
        let server = serve_over(Reverse, over);
        let mut client = connect(&server);
        // An empty line is answered with an empty line: answers stay in step.
        let answers = pipeline(&mut *client, "abc\nñandú\n\nrats live on no evil star\n", 4);
        assert_eq!(answers, ["cba", "údnañ", "", "rats live on no evil star"], "{over:?}");
    }
}

#[test]
fn reverse_refuses_invalid_utf8_and_keeps_the_connection() {
    let server = serve_over(Reverse, Over::Tcp);
    let mut client = connect(&server);
    client.write_all(b"ab\xffcd\nok\n").unwrap();
    let answers = read_lines(&mut *client, 2);
    assert_eq!(answers, ["ERROR: not UTF-8 (invalid byte at offset 2); send UTF-8 text", "ko"]);
}

#[test]
fn reverse_answers_datagrams() {
    for over in DATAGRAMS {
        let server = serve_over(Reverse, over);
        let client = peer(&server, "client");
        assert_eq!(client.ask_raw("stressed"), "desserts\n", "{over:?}");
        assert_eq!(client.ask_raw("日本語\n"), "語本日\n", "{over:?}");
    }
}

// ---------------------------------------------------------------------------
// ack (seed 002 §8.2)
// ---------------------------------------------------------------------------

#[test]
fn ack_answers_datagrams_as_the_seed_server_does() {
    for over in DATAGRAMS {
        let server = serve_over(Ack, over);
        let client = peer(&server, "client");
        assert_eq!(client.ask_raw("hello"), "OK...hello\n", "{over:?}");
        assert_eq!(client.ask_raw("two words\n"), "OK...two words\n", "{over:?}");
        assert_eq!(client.ask_raw(""), "OK...\n", "{over:?}");
    }
}

#[test]
fn ack_answers_streams() {
    for over in STREAMS {
        let server = serve_over(Ack, over);
        let mut client = connect(&server);
        assert_eq!(seed_exchange(&mut *client, "hello"), "OK...hello\n", "{over:?}");
        assert_eq!(pipeline(&mut *client, "a\nb\n", 2), ["OK...a", "OK...b"], "{over:?}");
    }
}

// ---------------------------------------------------------------------------
// daytime (RFC 867)
// ---------------------------------------------------------------------------

#[test]
fn daytime_sends_the_time_on_connect_and_closes() {
    let expected = format!("{}\n", Daytime::with_clock(fixed_clock).line());
    assert!(expected.starts_with("Tuesday, February 19, 2019 15:50:44"), "{expected}");
    for over in STREAMS {
        let server = serve_over(Daytime::with_clock(fixed_clock), over);
        // Seed 000's time client: connect, send nothing, read to the end.
        let mut client = connect(&server);
        client.write_all(b"").unwrap();
        assert_eq!(read_all(&mut *client), expected, "{over:?}");
    }
}

#[test]
fn daytime_answers_any_datagram() {
    let expected = format!("{}\n", Daytime::with_clock(fixed_clock).line());
    for over in DATAGRAMS {
        let server = serve_over(Daytime::with_clock(fixed_clock), over);
        let client = peer(&server, "client");
        assert_eq!(client.ask_raw(""), expected, "{over:?}");
        assert_eq!(client.ask_raw("what time is it?"), expected, "{over:?}");
    }
}

// ---------------------------------------------------------------------------
// qotd (RFC 865)
// ---------------------------------------------------------------------------

#[test]
fn qotd_sends_a_quote_on_connect_and_closes_in_turn() {
    for over in STREAMS {
        let quotes = Qotd::parse("\"First.\"\nSomeone\n\nSecond.\n").unwrap();
        let server = serve_over(quotes, over);
        let answers: Vec<String> = (0..3).map(|_| read_all(&mut *connect(&server))).collect();
        assert_eq!(answers, ["\"First.\"\nSomeone\n", "Second.\n", "\"First.\"\nSomeone\n"], "{over:?}");
    }
}

#[test]
fn qotd_answers_the_seed_client_over_datagrams() {
    let bundled = Qotd::default();
    for over in DATAGRAMS {
        let server = serve_over(Qotd::default(), over);
        let client = peer(&server, "client");
        // Seed 000's client sends an empty datagram and reads one.
        for quote in &bundled.quotes()[..3] {
            assert_eq!(client.ask_raw(""), format!("{quote}\n"), "{over:?}");
        }
    }
}

#[test]
fn qotd_serves_a_loaded_file_and_refuses_long_quotes() {
    let scratch = TempDir::new("bundled");
    let path = scratch.file("quotes.txt", "Brevity is the soul of wit.\nWilliam Shakespeare\n");
    let server = serve_over(Qotd::load(&path).unwrap(), Over::Udp);
    let client = peer(&server, "client");
    assert_eq!(client.ask_raw("quote please"), "Brevity is the soul of wit.\nWilliam Shakespeare\n");

    let long = scratch.file("long.txt", &format!("Short.\n\n{}\n", "word ".repeat(120)));
    let error = Qotd::load(&long).unwrap_err();
    assert!(error.starts_with(&long.display().to_string()), "{error}");
    assert!(error.contains("line 3") && error.contains("at most 512"), "{error}");
}

// ---------------------------------------------------------------------------
// support-bot (seed 002, exercises 1 and 2)
// ---------------------------------------------------------------------------

const LIGHTS: &str = "Are the lights on your router on? (yes/no)";
const POWER: &str = "Is the router plugged in and switched on at the wall? (yes/no)";
const RESTARTED: &str = "Have you restarted the router (off for 30 seconds, then on again)? (yes/no)";
const DEVICES: &str = "Is the problem on one device or on all your devices? (one/all)";
const ANYTHING_ELSE: &str = "Can I help you with anything else? (yes/no)";
const GOODBYE: &str = "Thank you for contacting support. Goodbye!";

#[test]
fn support_bot_dialogue_over_streams() {
    for over in STREAMS {
        let server = serve_over(SupportBot, over);
        let mut client = connect(&server);
        let greeting = read_lines(&mut *client, 2);
        assert!(greeting[0].starts_with("Hello, I am Robin"), "{greeting:?}");
        assert_eq!(greeting[1], LIGHTS);
        assert_eq!(pipeline(&mut *client, "yes\n", 1), [RESTARTED]);
        assert_eq!(seed_exchange(&mut *client, "Yes, twice"), format!("{DEVICES}\n"));
        assert_eq!(
            pipeline(&mut *client, "hmm\n", 1),
            [format!("Sorry, I did not understand \"hmm\". {DEVICES}")]
        );
        let diagnosis = pipeline(&mut *client, "just one\n", 2);
        assert!(diagnosis[0].starts_with("Diagnosis: the problem is with that device"), "{diagnosis:?}");
        assert_eq!(diagnosis[1], ANYTHING_ELSE);
        // A farewell gets a goodbye, then the server closes.
        client.write_all(b"bye\n").unwrap();
        assert_eq!(read_all(&mut *client), format!("{GOODBYE}\n"), "{over:?}");
    }
}

#[test]
fn support_bot_keeps_separate_sessions_for_interleaved_udp_peers() {
    for over in DATAGRAMS {
        let server = serve_over(SupportBot, over);
        let (alice, bob) = (peer(&server, "alice"), peer(&server, "bob"));
        let intro = alice.ask_raw("hello");
        assert!(
            intro.starts_with("Hello, I am Robin") && intro.ends_with(&format!("\n{LIGHTS}\n")),
            "{intro}"
        );
        assert_eq!(bob.ask_raw("my internet is down"), intro, "{over:?}");
        assert_eq!(alice.ask_raw("no"), format!("{POWER}\n"), "{over:?}");
        assert_eq!(bob.ask_raw("yes"), format!("{RESTARTED}\n"), "{over:?}");
        let alice_diagnosis = alice.ask_raw("no");
        assert!(alice_diagnosis.starts_with("Diagnosis: the router has no power."), "{alice_diagnosis}");
        assert_eq!(bob.ask_raw("yes"), format!("{DEVICES}\n"), "{over:?}");
        let bob_diagnosis = bob.ask_raw("all of them");
        assert!(bob_diagnosis.starts_with("Diagnosis: a fault on your line"), "{bob_diagnosis}");
        assert_eq!(alice.ask_raw("bye"), format!("{GOODBYE}\n"), "{over:?}");
        // Alice's session ended: she starts afresh; Bob's goes on.
        assert_eq!(alice.ask_raw("hi again"), intro, "{over:?}");
        assert_eq!(bob.ask_raw("yes"), format!("Let's start again.\n{LIGHTS}\n"), "{over:?}");
    }
}

#[test]
fn support_bot_datagram_sessions_stay_bounded() {
    for over in DATAGRAMS {
        let messages = Messages::new(SupportBot).unterminated_after(GRACE).max_sessions(1);
        let server = serve_messages(messages, over);
        let (alice, bob) = (peer(&server, "alice"), peer(&server, "bob"));
        let intro = alice.ask_raw("hello");
        assert_eq!(alice.ask_raw("yes"), format!("{RESTARTED}\n"), "{over:?}");
        // Bob's session takes the only place: Alice's is forgotten.
        assert_eq!(bob.ask_raw("hello"), intro, "{over:?}");
        assert_eq!(alice.ask_raw("yes"), intro, "{over:?}");
    }
}
