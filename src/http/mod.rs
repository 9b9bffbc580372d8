//! HTTP/1.1 over the same server: Python's `http.server`.
//!
//! [`Http`] wraps an [`HttpHandler`] (the `do_GET` / `do_POST` of
//! Python's `BaseHTTPRequestHandler`) into a [`RequestHandler`](crate::RequestHandler)
//! for TCP and Unix stream sockets, so any transport and concurrency
//! strategy serves HTTP. Requests are parsed with `httparse`; bad input
//! gets its status (414, 431, 413, 400, 421, 501, 505, 417, 408) and a closed
//! connection; limits are in [`HttpLimits`].
//!
//! It is a protocol layer beside [`message`](crate::message): each
//! connection is a resumable state machine (reading a request, writing a
//! response, lingering after a close) that the server steps when its
//! socket is ready, so a slow or idle client waits in the server's poller
//! and holds no thread.
//!
//! Conditional and range requests follow RFC 9110 for any body: a
//! handler describes what it sends as a [`Representation`] (bytes, a
//! file or a stream) with its [`Validators`] (an [`EntityTag`], a
//! modification time) and returns [`Representation::respond`]'s answer:
//! `304` or `412` by `If-None-Match`, `If-Modified-Since`, `If-Match` and
//! `If-Unmodified-Since`; `200`, `206` (one range, or
//! `multipart/byteranges`) or `416` by `Range` and `If-Range`. The
//! decisions are public on their own too: [`Precondition`] (from
//! [`Validators::precondition`], for a `PUT` or `DELETE` with `If-Match`),
//! [`Ranges`] and [`ByteRange`], and [`AcceptEncoding`] choosing a
//! [`ContentCoding`].
//!
//! Two applications that use it are bundled servers in
//! `socketserver::handlers` (feature `handlers`): `Hello`, the
//! hello-and-time page of the classic `http.server` example, and
//! `StaticFiles`, a safe `python -m http.server`.
//!
//! ```
//! use socketserver::http::{Http, HttpRequest, HttpResponse};
//! use socketserver::{Server, Tcp};
//! use std::io::{Read, Write};
//!
//! let app = |req: &HttpRequest| Ok(HttpResponse::text(200, format!("you asked for {}", req.path())));
//! let server = Server::builder(Http::new(app)).bind::<Tcp>("127.0.0.1:0")?;
//! let addr = server.local_addr().as_inet().unwrap();
//! let stop = server.shutdown_handle();
//! let serving = std::thread::spawn(move || server.serve_forever());
//!
//! let mut client = std::net::TcpStream::connect(addr)?;
//! client.write_all(b"GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?;
//! let mut answer = String::new();
//! client.read_to_string(&mut answer)?;
//! assert!(answer.ends_with("you asked for /a"));
//!
//! stop.shutdown();
//! serving.join().unwrap()?;
//! # Ok::<(), std::io::Error>(())
//! ```

mod access_log;
mod body;
mod body_length;
mod body_reader;
mod check;
mod exchange;
mod handler;
mod head;
mod head_reader;
mod http_protocol;
mod layer;
mod limits;
mod method;
mod rejection;
mod request;
mod request_reader;
mod response;
mod rules;
mod status;
mod target;
mod version;
mod writer;

#[doc(hidden)]
pub use self::check::check_request_reader;
pub use self::handler::HttpHandler;
pub use self::layer::Http;
pub use self::limits::HttpLimits;
pub use self::method::Method;
pub use self::request::HttpRequest;
pub use self::response::HttpResponse;
pub use self::rules::{
    AcceptEncoding, ByteRange, ContentCoding, EntityTag, Precondition, Ranges, Representation, Validators,
};
pub use self::version::Version;
