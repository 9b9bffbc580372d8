//! `socketserver get`: an HTTP client that measures throughput. One raw
//! HTTP/1.1 request over a TCP socket (TLS for https://); the response goes to stdout as
//! received, then the bytes, time and throughput to stderr.

use crate::args::GetArgs;
use crate::error::CliError;
use crate::http_url::HttpUrl;
use crate::tls_client;

/// A TCP or TLS stream.
trait ReadWrite: Read + Write {}

impl<S: Read + Write> ReadWrite for S {}
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// Fetches `args.url` and reports the transfer.
pub fn run(args: &GetArgs) -> Result<(), CliError> {
    let url = HttpUrl::parse(&args.url)?;
    let tls = if url.tls { Some(args.trust.client_config(&[b"http/1.1"])?) } else { None };
    let started = Instant::now();
    let tcp = connect(&url, args.timeout)?;
    let mut stream: Box<dyn ReadWrite> = match tls {
        Some(config) => Box::new(tls_client::connect(tcp, url.connect_host(), config)?),
        None => Box::new(tcp),
    };
    let method = if args.head { "HEAD" } else { "GET" };
    let request = format!(
        "{method} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: socketserver/{}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        url.target,
        url.host_header(),
        env!("CARGO_PKG_VERSION"),
    );
    stream.write_all(request.as_bytes()).map_err(|err| failed(&url, &err))?;
    let response = receive(&mut stream, args.head).map_err(|err| failed(&url, &err))?;
    let elapsed = started.elapsed();
    io::stdout()
        .write_all(&response)
        .map_err(|err| CliError::runtime(format!("cannot write the response: {err}")))?;
    eprintln!("{}", summary(response.len(), elapsed));
    Ok(())
}

fn connect(url: &HttpUrl, timeout: Duration) -> Result<TcpStream, CliError> {
    let addrs = (url.connect_host(), url.port)
        .to_socket_addrs()
        .map_err(|err| CliError::runtime(format!("cannot resolve `{}`: {err}", url.host)))?;
    let mut last = io::Error::new(io::ErrorKind::NotFound, "the host resolves to no address");
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(stream) => {
                stream.set_read_timeout(Some(timeout)).map_err(|err| failed(url, &err))?;
                return Ok(stream);
            }
            Err(err) => last = err,
        }
    }
    Err(failed(url, &last))
}

/// Reads the whole response: to the end of the body its headers
/// announce, or to the end of the stream.
fn receive(stream: &mut impl Read, head: bool) -> io::Result<Vec<u8>> {
    let mut response = Vec::new();
    let mut chunk = [0; 64 * 1024];
    loop {
        let n = match stream.read(&mut chunk) {
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            // A TLS server that closed without close_notify: a response
            // framed by the end of the stream may be cut short.
            Err(err) if err.kind() == io::ErrorKind::UnexpectedEof && !response.is_empty() => {
                return Ok(response)
            }
            Err(err) => return Err(err),
        };
        if n == 0 {
            return Ok(response);
        }
        response.extend_from_slice(&chunk[..n]);
        if complete(&response, head) {
            return Ok(response);
        }
    }
}

/// Whether `response` holds a whole response (headers, and the body its
/// Content-Length announces; none for HEAD, 1xx, 204 and 304).
fn complete(response: &[u8], head: bool) -> bool {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Response::new(&mut headers);
    let Ok(httparse::Status::Complete(header_len)) = parsed.parse(response) else {
        return false;
    };
    let code = parsed.code.unwrap_or(200);
    if head || code < 200 || code == 204 || code == 304 {
        return true;
    }
    let length = parsed
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
        .and_then(|h| std::str::from_utf8(h.value).ok()?.trim().parse::<usize>().ok());
    length.is_some_and(|length| response.len() - header_len >= length)
}

/// `1256 bytes in 12.3 ms: 99.8 KiB/s`.
fn summary(bytes: usize, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64().max(1e-9);
    let rate = bytes as f64 / secs;
    let (rate, unit) = match rate {
        r if r >= 1024.0 * 1024.0 => (r / (1024.0 * 1024.0), "MiB/s"),
        r if r >= 1024.0 => (r / 1024.0, "KiB/s"),
        r => (r, "B/s"),
    };
    format!("{bytes} bytes in {:.1} ms: {rate:.1} {unit}", secs * 1000.0)
}

fn failed(url: &HttpUrl, err: &io::Error) -> CliError {
    CliError::runtime(format!("{}: {err}{}", url.display(), tls_client::hint(err)))
}
