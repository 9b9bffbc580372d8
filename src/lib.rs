//! Socket servers with plain blocking handlers: pick a transport, pick a
//! concurrency strategy, write a handler, serve.
//!
//! This is Python's `socketserver` for Rust, without its traps: threads
//! and queues are bounded, timeouts are on by default, shutdown returns at
//! once and never deadlocks, a panicking handler loses one connection and
//! nothing else, and a client reset is a `debug` line, not a traceback.
//! Handlers are blocking code, but waiting for the network is not: under
//! [`ThreadPool`] and [`SingleThread`], a message or HTTP connection waits
//! in the server's poller with a deadline and takes a thread only while
//! its bytes are handled (see [`protocol`] and `docs/reactor.md`).
//!
//! ```
//! use socketserver::{Action, MessageHandler, Messages, Reply, Server, Tcp, ThreadPool};
//! use std::io::{BufRead, BufReader, Write};
//! use std::net::TcpStream;
//!
//! /// Answers every line with "Hello, " and the line.
//! struct Greeter;
//!
//! impl MessageHandler for Greeter {
//!     type Session = ();
//!
//!     fn handle(&self, _: &mut (), name: &[u8], reply: &mut Reply<'_>) -> Action {
//!         reply.push(b"Hello, ");
//!         reply.push(name);
//!         Action::Continue
//!     }
//! }
//!
//! let server = Server::builder(Messages::new(Greeter))
//!     .concurrency(ThreadPool::new(4))
//!     .bind::<Tcp>("127.0.0.1:0")?;
//! let addr = server.local_addr().as_inet().unwrap();
//! let stop = server.shutdown_handle();
//! let serving = std::thread::spawn(move || server.serve_forever());
//!
//! let mut client = TcpStream::connect(addr)?;
//! client.write_all(b"world\n")?;
//! let mut answer = String::new();
//! BufReader::new(client).read_line(&mut answer)?;
//! assert_eq!(answer, "Hello, world\n");
//!
//! stop.shutdown();
//! let report = serving.join().unwrap()?;
//! assert_eq!(report.cut_off, 0);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # The three axes
//!
//! A [`Server<T, C, H>`](Server) is three independent choices, as in
//! Python:
//!
//! - **Transport** `T` ([`transport`]): [`Tcp`] (IPv4 and IPv6), [`Udp`],
//!   [`UnixStream`], [`UnixDatagram`]. Stream transports yield a
//!   [`Connection`] per request, datagram transports a [`Datagram`].
//! - **Concurrency** `C` ([`concurrency`]): [`SingleThread`],
//!   [`ThreadPerConnection`] (optionally capped), [`ThreadPool`] (bounded
//!   queue, an [`Overload`] policy), or [`Strategy`] to choose at run time.
//! - **Handler** `H`: a [`RequestHandler`] with Python's `setup` / `handle`
//!   / `finish`, or a [`MessageHandler`] wrapped in [`Messages`], which
//!   frames messages ([`Framing`]: lines, length-prefixed, fixed-length,
//!   until-close, or a [`Codec`] of your own) and serves all four
//!   transports unchanged.
//!
//! # A protocol of your own
//!
//! When the protocol is none of the built-in framings, write a
//! [`Codec`]: it decodes the bytes a client sent into messages of your
//! own type and frames replies; the engine keeps everything else (buffers,
//! limits, timeouts, the drain, fairness), so connections still wait in
//! the poller. The handler is a [`MessageHandler`] over that codec, and
//! [`Conversation`] tests the two without a server:
//!
//! ```
//! use socketserver::codec::{Codec, Decoded, Input};
//! use socketserver::{Action, Conversation, FrameError, MessageHandler, Messages, Reply};
//!
//! /// `ADD a b` and `NEG a`, one per line, parsed into a command.
//! #[derive(Clone)]
//! struct Calc;
//!
//! enum Op {
//!     Add(i64, i64),
//!     Neg(i64),
//!     Unknown,
//! }
//!
//! impl Codec for Calc {
//!     type Message<'a> = Op;
//!
//!     fn decode<'a>(&mut self, input: Input<'a>) -> Result<Decoded<Op>, FrameError> {
//!         let bytes = input.bytes();
//!         let Some(end) = bytes.iter().position(|&b| b == b'\n') else {
//!             return Ok(Decoded::NeedMore);
//!         };
//!         let line = std::str::from_utf8(&bytes[..end])
//!             .map_err(|_| FrameError::invalid("commands are UTF-8 text"))?;
//!         let words: Vec<&str> = line.split_whitespace().collect();
//!         let num = |i: usize| words.get(i).and_then(|w| w.parse().ok());
//!         let op = match (words.first(), num(1), num(2)) {
//!             (Some(&"ADD"), Some(a), Some(b)) => Op::Add(a, b),
//!             (Some(&"NEG"), Some(a), None) => Op::Neg(a),
//!             _ => Op::Unknown,
//!         };
//!         Ok(Decoded::Message { message: op, consumed: end + 1 })
//!     }
//!
//!     fn end_reply(&self, out: &mut Vec<u8>, _start: usize) {
//!         out.push(b'\n');
//!     }
//! }
//!
//! struct Calculator;
//!
//! impl MessageHandler<Calc> for Calculator {
//!     type Session = ();
//!
//!     fn handle(&self, _: &mut (), op: Op, reply: &mut Reply<'_>) -> Action {
//!         match op {
//!             Op::Add(a, b) => reply.push_fmt(format_args!("{}", a.saturating_add(b))),
//!             Op::Neg(a) => reply.push_fmt(format_args!("{}", a.saturating_neg())),
//!             Op::Unknown => reply.push_str("ERR: ADD a b | NEG a"),
//!         }
//!         Action::Continue
//!     }
//! }
//!
//! let messages = Messages::with_codec(Calculator, Calc);
//! let mut talk = Conversation::new(&messages);
//! assert_eq!(talk.send(b"ADD 2 40\nNEG"), b"42\n");
//! assert_eq!(talk.send(b" 7\nMUL 2 3\n"), b"-7\nERR: ADD a b | NEG a\n");
//! // Served like any other handler: Server::builder(messages).bind::<Tcp>(...)
//! ```
//!
//! Limits live in [`ServerConfig`]; server-wide hooks (`verify_request`,
//! `handle_error`, `handle_timeout`, `service_actions`) in [`Hooks`].
//!
//! # Features
//!
//! None is on by default: without features the crate is the core above
//! (transports, strategies, framing, messages, [`ServerConfig`], hooks).
//!
//! - `http`: the HTTP/1.1 layer, `socketserver::http`.
//! - `handlers`: the bundled servers, `socketserver::handlers`; `Hello` and
//!   `StaticFiles` also need `http`, and reading a `.toml` address book
//!   needs `config`.
//! - `config`: `serde::Deserialize` for [`ServerConfig`], [`Framing`],
//!   [`StrategyKind`], [`Overload`] and `HttpLimits`, with durations
//!   written `"30s"`.
//! - `tls`: the `Tls` transport (TLS over TCP with rustls and its `ring`
//!   provider) and `socketserver::tls`; every stream handler serves over
//!   it unchanged.
//! - `threadpool`: [`Concurrency`] for the `threadpool` crate's pool.
//! - `proxy-protocol`: reading the PROXY protocol header (v1 and v2) that
//!   a load balancer sends before each connection's bytes
//!   ([`ServerBuilder::proxy_protocol`]), so handlers see the client's
//!   own address.
//! - `metrics`: `socketserver::metrics`, the server's [`Stats`] in the
//!   Prometheus text exposition format for a `/metrics` endpoint (written
//!   by hand: no crate).
//!
//! The `socketserver` command line is a separate package (`cli/` in the
//! repository), so a library user never compiles it.
//!
//! # Platform
//!
//! Unix-like systems (Linux first). The Unix transports are behind
//! `cfg(unix)`.

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc(test(attr(deny(warnings), allow(dead_code, unused_variables))))]

pub mod codec;
pub mod concurrency;
pub mod config;
pub mod framing;
#[cfg(feature = "handlers")]
pub mod handlers;
#[cfg(feature = "http")]
pub mod http;
pub mod message;
#[cfg(feature = "metrics")]
pub mod metrics;
pub mod protocol;
pub mod request;
pub mod server;
#[cfg(feature = "tls")]
pub mod tls;
pub mod transport;

mod address;
mod failure;
mod handle;
mod hooks;
mod request_handler;

pub use self::address::{Address, IntoAddress};
pub use self::codec::Codec;
pub use self::concurrency::{
    Concurrency, Dispatch, Job, Overload, SingleThread, Strategy, StrategyKind, ThreadPerConnection,
    ThreadPool,
};
pub use self::config::ServerConfig;
pub use self::failure::Failure;
pub use self::framing::{Decoder, Frame, FrameError, Framing};
pub use self::handle::{Durations, ServerHandle, ShutdownHandle, Stats};
pub use self::hooks::{log_failure, DefaultHooks, Hooks};
pub use self::message::{Action, Conversation, MessageHandler, Messages, Reply};
pub use self::request::{Connection, Datagram};
pub use self::request_handler::{RequestHandler, Stateful, StatefulHandler};
pub use self::server::{DrainReport, Server, ServerBuilder};
#[cfg(feature = "tls")]
pub use self::tls::Tls;
pub use self::transport::{Tcp, Transport, Udp};
#[cfg(unix)]
pub use self::transport::{UnixDatagram, UnixStream};
