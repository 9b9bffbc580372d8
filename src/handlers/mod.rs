//! The bundled servers, one file each, runnable from the `socketserver`
//! binary.
//!
//! [`Echo`] is a raw [`RequestHandler`](crate::RequestHandler): bytes back,
//! any size, any chunking. The others are line protocols written as
//! [`MessageHandler`](crate::MessageHandler)s, so each serves TCP, Unix
//! stream, UDP and Unix datagram unchanged:
//!
//! | Handler | Protocol | Message in | Reply |
//! |---|---|---|---|
//! | [`AddressBook`] | address-book lookup | a name | the office, or `UNKNOWN NAME: …` |
//! | [`DateTime`] | date and time on request | `Date`, `Time`, `Date and Time` | the local date and/or time |
//! | [`Reverse`] | string reversal (Python's `data[::-1]`) | text | the text reversed by characters |
//! | [`Ack`] | acknowledgement (Python's `'OK...' + data`) | anything | `OK...` and the message |
//! | [`SupportBot`] | an ISP's support-bot dialogue | answers | the next question or a diagnosis |
//! | [`Daytime`] | RFC 867 Daytime | (connect, or any datagram) | the date and time, then close |
//! | [`Qotd`] | RFC 865 Quote of the Day | (connect, or any datagram) | a quote, then close |
//!
//! With the `http` feature, two more are HTTP applications (`HttpHandler`s,
//! served through the `socketserver::http::Http` layer): `Hello`, a
//! hello-and-time page (`GET /` answers `Hello From Server at` and the date
//! and time, as the classic `http.server` example does), and
//! `StaticFiles`, a safe `python -m http.server`.
//!
//! # Messages and replies
//!
//! Serve them in [`Messages`](crate::Messages) with
//! [`Framing::Lines`](crate::Framing::Lines) (the default): over a stream a
//! message is a line, ended by `\n` (a `\r` before it is dropped), and
//! several lines sent in one write are answered in order. Every reply ends
//! with a newline, which the framing adds; a reply may hold several lines
//! (the support bot's introduction and first question).
//!
//! Many simple clients send one message *without* a newline and wait for
//! the answer with a single `recv` (Python's
//! `sock.send(b"John"); sock.recv(1024)`). Such a message is recognised in
//! two ways:
//!
//! - with [`Messages::unterminated_after(grace)`](crate::Messages::unterminated_after),
//!   a partial line followed by `grace` of silence is a whole message. The
//!   `socketserver` binary uses 100 ms for the bundled line servers: long
//!   enough that a line split by the network is not cut in two, short
//!   enough not to be noticed;
//! - end of stream after a partial line (the client shut down its write
//!   side) always completes it.
//!
//! Over datagrams each datagram is one message (a trailing newline is
//! dropped) and is answered with one datagram.
//!
//! ```
//! use socketserver::handlers::Reverse;
//! use socketserver::{Messages, Server, Udp};
//! use std::time::Duration;
//!
//! let reverse = Messages::new(Reverse).unterminated_after(Duration::from_millis(100));
//! let server = Server::builder(reverse).bind::<Udp>("127.0.0.1:0")?;
//! let addr = server.local_addr().as_inet().unwrap();
//! let stop = server.shutdown_handle();
//! let serving = std::thread::spawn(move || server.serve_forever());
//!
//! let client = std::net::UdpSocket::bind("127.0.0.1:0")?;
//! client.send_to(b"stressed", addr)?;
//! let mut answer = [0; 1024];
//! let n = client.recv(&mut answer)?;
//! assert_eq!(&answer[..n], b"desserts\n");
//!
//! stop.shutdown();
//! serving.join().unwrap()?;
//! # Ok::<(), std::io::Error>(())
//! ```

mod ack;
mod address_book;
mod date_time;
mod daytime;
mod echo;
#[cfg(feature = "http")]
mod hello;
mod qotd;
mod reverse;
#[cfg(all(unix, feature = "http"))]
mod static_files;
mod support_bot;
mod support_session;

pub use self::ack::Ack;
pub use self::address_book::AddressBook;
pub use self::date_time::DateTime;
pub use self::daytime::Daytime;
pub use self::echo::Echo;
#[cfg(feature = "http")]
pub use self::hello::Hello;
pub use self::qotd::Qotd;
pub use self::reverse::Reverse;
#[cfg(all(unix, feature = "http"))]
pub use self::static_files::StaticFiles;
pub use self::support_bot::SupportBot;
pub use self::support_session::SupportSession;
