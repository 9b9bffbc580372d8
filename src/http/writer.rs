//! Writing a response to the wire.

use super::body::Body;
use super::status::reason;
use super::HttpResponse;
use std::io::{self, Read, Write};
use std::time::SystemTime;

/// Size of each chunk of a streamed body.
const CHUNK: usize = 16 * 1024;

/// What the request allows the response to be.
#[derive(Clone, Copy, Debug)]
pub(super) struct Framing<'a> {
    /// A `HEAD` request: header fields only.
    pub(super) head_only: bool,
    /// The request was HTTP/1.0: no chunked encoding.
    pub(super) http10: bool,
    /// The connection may stay open after this response.
    pub(super) keep_alive: bool,
    /// The `Server` header value.
    pub(super) server_name: &'a str,
}

/// Writes `response` and returns whether the connection stays open: not
/// when the request or the application asked to close, nor after a body
/// delimited by closing.
///
/// # Errors
///
/// Fails when writing fails, or when a sized body's reader ends early
/// (the connection must then close).
pub(super) fn write_response(
    out: &mut impl Write,
    response: HttpResponse,
    framing: Framing<'_>,
) -> io::Result<bool> {
    let (status, headers, body) = response.into_parts();
    let bodiless = status < 200 || status == 204 || status == 304;
    let app_close = headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("connection")
            && value.split(',').any(|t| t.trim().eq_ignore_ascii_case("close"))
    });
    let until_close = matches!(body, Body::Stream(_)) && framing.http10 && !bodiless;
    let keep_alive = framing.keep_alive && !app_close && !until_close;
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    add_defaults(&mut head, &headers, framing.server_name);
    for (name, value) in headers.iter().filter(|(name, _)| !name.eq_ignore_ascii_case("connection")) {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !bodiless {
        add_length(&mut head, &body, framing.http10);
    }
    add_connection(&mut head, keep_alive, framing.http10);
    head.push_str("\r\n");
    if bodiless || framing.head_only {
        out.write_all(head.as_bytes())?;
    } else {
        write_body(out, head.into_bytes(), body, framing.http10)?;
    }
    Ok(keep_alive)
}

fn add_defaults(head: &mut String, headers: &[(String, String)], server_name: &str) {
    let has = |wanted: &str| headers.iter().any(|(name, _)| name.eq_ignore_ascii_case(wanted));
    if !has("date") {
        head.push_str(&format!("Date: {}\r\n", httpdate::fmt_http_date(SystemTime::now())));
    }
    if !has("server") {
        head.push_str(&format!("Server: {server_name}\r\n"));
    }
}

fn add_length(head: &mut String, body: &Body, http10: bool) {
    match body {
        Body::Bytes(bytes) => head.push_str(&format!("Content-Length: {}\r\n", bytes.len())),
        Body::Sized(_, len) => head.push_str(&format!("Content-Length: {len}\r\n")),
        Body::Stream(_) if !http10 => head.push_str("Transfer-Encoding: chunked\r\n"),
        Body::Stream(_) => {}
    }
}

fn add_connection(head: &mut String, keep_alive: bool, http10: bool) {
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    } else if http10 {
        head.push_str("Connection: keep-alive\r\n");
    }
}

fn write_body(out: &mut impl Write, mut head: Vec<u8>, body: Body, http10: bool) -> io::Result<()> {
    match body {
        Body::Bytes(bytes) => {
            head.extend_from_slice(&bytes);
            out.write_all(&head)
        }
        Body::Sized(reader, len) => {
            out.write_all(&head)?;
            let copied = io::copy(&mut reader.take(len), out)?;
            if copied < len {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("the response body ended after {copied} of its {len} bytes"),
                ));
            }
            Ok(())
        }
        Body::Stream(mut reader) if http10 => {
            out.write_all(&head)?;
            io::copy(&mut reader, out).map(drop)
        }
        Body::Stream(reader) => {
            out.write_all(&head)?;
            write_chunked(out, reader)
        }
    }
}

fn write_chunked(out: &mut impl Write, mut reader: Box<dyn Read + Send>) -> io::Result<()> {
    let mut data = vec![0; CHUNK];
    loop {
        let n = match reader.read(&mut data) {
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if n == 0 {
            return out.write_all(b"0\r\n\r\n");
        }
        let mut chunk = format!("{n:X}\r\n").into_bytes();
        chunk.extend_from_slice(&data[..n]);
        chunk.extend_from_slice(b"\r\n");
        out.write_all(&chunk)?;
    }
}
