//! Writing a response: its head (and a body held in memory) serialised at
//! once, a body read from a reader taken one chunk at a time, only when
//! the previous chunk has been written.

use super::body::Body;
use super::status::reason;
use super::HttpResponse;
use std::fmt;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::time::SystemTime;

/// Most bytes read from a response body's reader at a time: what a slow
/// client costs in memory while it reads a large body.
const CHUNK: usize = 64 * 1024;
/// A file body at most this large is read into the write buffer with its
/// head and sent in one write; a larger one goes by `sendfile(2)` where
/// the connection allows.
const SMALL_FILE: u64 = 16 * 1024;
/// Most bytes one `sendfile(2)` call is asked for.
#[cfg(target_os = "linux")]
const SENDFILE_MAX: u64 = 1 << 30;

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

/// What of a response's body is still to be read from its reader.
enum Rest {
    /// Nothing: the response is all in the write buffer.
    Nothing,
    /// `left` of the `len` bytes of a `Content-Length` body.
    Sized { reader: Box<dyn Read + Send>, left: u64, len: u64 },
    /// A body sent in chunks (HTTP/1.1).
    Chunked(Box<dyn Read + Send>),
    /// A body sent until the connection closes (HTTP/1.0).
    UntilClose(Box<dyn Read + Send>),
    /// `left` of the `len` bytes of a file, the next at `offset`: sent
    /// with `sendfile(2)` or read like a sized body.
    File { file: File, offset: u64, left: u64, len: u64 },
}

/// What [`Outgoing::send_file`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Sent {
    /// The body is not a file (or the platform has no `sendfile`): write
    /// it from the buffer.
    NotAFile,
    /// The socket is full; `progress` says whether anything went first.
    Blocked { progress: bool },
    /// The whole file is sent.
    Done,
}

/// A response being written: what remains of its body, and whether the
/// connection stays open after it.
pub(super) struct Outgoing {
    rest: Rest,
    keep_alive: bool,
}

impl Outgoing {
    /// Serialises `response` into `out`: its head, and its body when held
    /// in memory or, for a body read from a reader, the first chunk, so a
    /// small response goes out in one write.
    ///
    /// # Errors
    ///
    /// Fails when the body's reader does (see [`refill`](Self::refill)).
    pub(super) fn start(
        out: &mut Vec<u8>,
        response: HttpResponse,
        framing: Framing<'_>,
    ) -> io::Result<Outgoing> {
        let (status, headers, body) = response.into_parts();
        let bodiless = status < 200 || status == 204 || status == 304;
        let app_close = headers.iter().any(|(name, value)| {
            name.eq_ignore_ascii_case("connection")
                && value.split(',').any(|t| t.trim().eq_ignore_ascii_case("close"))
        });
        let until_close = matches!(body, Body::Stream(_)) && framing.http10 && !bodiless;
        let keep_alive = framing.keep_alive && !app_close && !until_close;
        // Written straight into the output buffer: one reply buffer per
        // connection, no string per header (seen as allocator time in a
        // profile of keep-alive hello).
        // No `write!`: the formatting machinery was a seventh of a
        // keep-alive hello's instructions.
        out.extend_from_slice(b"HTTP/1.1 ");
        push_decimal(out, u64::from(status));
        push_line(out, b" ", reason(status).as_bytes());
        add_defaults(out, &headers, framing.server_name);
        for (name, value) in headers.iter().filter(|(name, _)| !name.eq_ignore_ascii_case("connection")) {
            out.extend_from_slice(name.as_bytes());
            push_line(out, b": ", value.as_bytes());
        }
        if !bodiless {
            add_length(out, &body, framing.http10);
        }
        add_connection(out, keep_alive, framing.http10);
        out.extend_from_slice(b"\r\n");
        let rest =
            if bodiless || framing.head_only { Rest::Nothing } else { rest(out, body, framing.http10)? };
        let mut outgoing = Outgoing { rest, keep_alive };
        if !matches!(outgoing.rest, Rest::File { len, .. } if len > SMALL_FILE) {
            outgoing.refill(out)?;
        }
        Ok(outgoing)
    }

    /// Whether the connection stays open once this response is written:
    /// not when the request or the application asked to close, nor after
    /// a body delimited by closing.
    pub(super) fn keep_alive(&self) -> bool {
        self.keep_alive
    }

    /// Whether the whole response is in the write buffer.
    pub(super) fn is_done(&self) -> bool {
        matches!(self.rest, Rest::Nothing)
    }

    /// Bytes of a file body not yet sent with `sendfile(2)` (zero for any
    /// other body), so the access log can count what `sendfile` sent.
    pub(super) fn file_left(&self) -> u64 {
        match &self.rest {
            Rest::File { left, .. } => *left,
            _ => 0,
        }
    }

    /// Sends what is left of a file body straight from the file to the
    /// socket `fd` with `sendfile(2)` (Linux), until it is all sent or
    /// the socket is full. The write buffer must be empty (the head
    /// written).
    ///
    /// # Errors
    ///
    /// Fails when the system call does, or when the file ends early.
    #[cfg(target_os = "linux")]
    pub(super) fn send_file(&mut self, fd: std::os::fd::RawFd) -> io::Result<Sent> {
        use std::os::fd::AsRawFd;
        let Rest::File { file, offset, left, len } = &mut self.rest else { return Ok(Sent::NotAFile) };
        let mut progress = false;
        while *left > 0 {
            let mut at = libc::off_t::try_from(*offset).map_err(|_| io::ErrorKind::InvalidInput)?;
            let count = (*left).min(SENDFILE_MAX) as usize;
            // SAFETY: both descriptors are open for the call (the socket
            // is borrowed from the connection, the file owned here) and
            // `at` is a valid off_t the kernel updates.
            let sent = unsafe { libc::sendfile(fd, file.as_raw_fd(), &mut at, count) };
            match sent {
                -1 => {
                    let err = io::Error::last_os_error();
                    match err.kind() {
                        io::ErrorKind::Interrupted => continue,
                        io::ErrorKind::WouldBlock => return Ok(Sent::Blocked { progress }),
                        _ => return Err(err),
                    }
                }
                0 => return Err(ended_early(*len, *len - *left)),
                n => {
                    *offset += n as u64;
                    *left -= n as u64;
                    progress = true;
                }
            }
        }
        self.rest = Rest::Nothing;
        Ok(Sent::Done)
    }

    /// Without `sendfile(2)` file bodies are read like any other.
    #[cfg(not(target_os = "linux"))]
    pub(super) fn send_file(&mut self, _fd: i32) -> io::Result<Sent> {
        Ok(Sent::NotAFile)
    }

    /// Appends the next chunk of the body (one read of its reader, at
    /// most 64 KiB) to `out`.
    ///
    /// # Errors
    ///
    /// Fails when the reader does, or when a sized body's reader ends
    /// early (the connection must then close: the framing would lie).
    pub(super) fn refill(&mut self, out: &mut Vec<u8>) -> io::Result<()> {
        match &mut self.rest {
            Rest::Nothing => return Ok(()),
            Rest::Sized { reader, left, len } => {
                let n = read_chunk(reader, out, (*left).min(CHUNK as u64) as usize)?;
                if n == 0 {
                    return Err(ended_early(*len, *len - *left));
                }
                *left -= n as u64;
                if *left > 0 {
                    return Ok(());
                }
            }
            Rest::File { file, offset, left, len } => {
                let n = read_chunk(file, out, (*left).min(CHUNK as u64) as usize)?;
                if n == 0 {
                    return Err(ended_early(*len, *len - *left));
                }
                *offset += n as u64;
                *left -= n as u64;
                if *left > 0 {
                    return Ok(());
                }
            }
            Rest::Chunked(reader) => {
                let start = out.len();
                let n = read_chunk(reader, out, CHUNK)?;
                if n > 0 {
                    out.splice(start..start, format!("{n:X}\r\n").into_bytes());
                    out.extend_from_slice(b"\r\n");
                    return Ok(());
                }
                out.extend_from_slice(b"0\r\n\r\n");
            }
            Rest::UntilClose(reader) => {
                if read_chunk(reader, out, CHUNK)? > 0 {
                    return Ok(());
                }
            }
        }
        self.rest = Rest::Nothing;
        Ok(())
    }
}

impl fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rest = match &self.rest {
            Rest::Nothing => "nothing".to_string(),
            Rest::Sized { left, .. } => format!("{left} bytes"),
            Rest::Chunked(_) => "chunks".to_string(),
            Rest::UntilClose(_) => "until close".to_string(),
            Rest::File { left, .. } => format!("{left} bytes of a file"),
        };
        f.debug_struct("Outgoing").field("rest", &rest).field("keep_alive", &self.keep_alive).finish()
    }
}

/// Puts a body held in memory into `out`; a reader or a file is kept
/// for later (a file read from its offset on).
fn rest(out: &mut Vec<u8>, body: Body, http10: bool) -> io::Result<Rest> {
    Ok(match body {
        Body::Bytes(bytes) => {
            out.extend_from_slice(&bytes);
            Rest::Nothing
        }
        Body::Sized(_, 0) | Body::File { len: 0, .. } => Rest::Nothing,
        Body::Sized(reader, len) => Rest::Sized { reader, left: len, len },
        Body::Stream(reader) if http10 => Rest::UntilClose(reader),
        Body::Stream(reader) => Rest::Chunked(reader),
        Body::File { mut file, offset, len } => {
            if offset > 0 {
                file.seek(SeekFrom::Start(offset))?;
            }
            Rest::File { file, offset, left: len, len }
        }
    })
}

fn ended_early(len: u64, sent: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("the response body ended after {sent} of its {len} bytes"),
    )
}

/// Appends one read of at most `max` bytes from `reader` to `out`.
fn read_chunk(reader: &mut impl Read, out: &mut Vec<u8>, max: usize) -> io::Result<usize> {
    let start = out.len();
    out.resize(start + max, 0);
    let read = loop {
        match reader.read(&mut out[start..]) {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            read => break read,
        }
    };
    out.truncate(start + *read.as_ref().unwrap_or(&0));
    read
}

fn add_defaults(head: &mut Vec<u8>, headers: &[(String, String)], server_name: &str) {
    let has = |wanted: &str| headers.iter().any(|(name, _)| name.eq_ignore_ascii_case(wanted));
    if !has("date") {
        DATE.with(|date| head.extend_from_slice(date.borrow_mut().now()));
    }
    if !has("server") {
        push_line(head, b"Server: ", server_name.as_bytes());
    }
}

fn add_length(head: &mut Vec<u8>, body: &Body, http10: bool) {
    match body {
        Body::Bytes(bytes) => push_length(head, bytes.len() as u64),
        Body::Sized(_, len) | Body::File { len, .. } => push_length(head, *len),
        Body::Stream(_) if !http10 => head.extend_from_slice(b"Transfer-Encoding: chunked\r\n"),
        Body::Stream(_) => {}
    }
}

fn push_length(head: &mut Vec<u8>, len: u64) {
    head.extend_from_slice(b"Content-Length: ");
    push_decimal(head, len);
    head.extend_from_slice(b"\r\n");
}

/// `prefix`, `text`, then CRLF.
fn push_line(out: &mut Vec<u8>, prefix: &[u8], text: &[u8]) {
    out.extend_from_slice(prefix);
    out.extend_from_slice(text);
    out.extend_from_slice(b"\r\n");
}

/// `n` in decimal digits.
fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

fn add_connection(head: &mut Vec<u8>, keep_alive: bool, http10: bool) {
    if !keep_alive {
        head.extend_from_slice(b"Connection: close\r\n");
    } else if http10 {
        head.extend_from_slice(b"Connection: keep-alive\r\n");
    }
}

thread_local! {
    /// The `Date` header line, formatted once a second (as hyper and
    /// nginx do), not once a response.
    static DATE: std::cell::RefCell<DateLine> = std::cell::RefCell::new(DateLine::default());
}

/// A cached `Date: ...\r\n` line and the second it was made for.
#[derive(Default)]
struct DateLine {
    second: u64,
    line: Vec<u8>,
}

impl DateLine {
    /// The line for now.
    fn now(&mut self) -> &[u8] {
        let now = SystemTime::now();
        let second = now.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        if second != self.second || self.line.is_empty() {
            self.second = second;
            self.line = format!("Date: {}\r\n", httpdate::fmt_http_date(now)).into_bytes();
        }
        &self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_written_as_format_writes_them() {
        for n in [0, 7, 10, 99, 100, 404, 65_536, u64::MAX] {
            let mut out = b"x".to_vec();
            push_decimal(&mut out, n);
            assert_eq!(out, format!("x{n}").into_bytes());
        }
    }

    fn framing() -> Framing<'static> {
        Framing { head_only: false, http10: false, keep_alive: true, server_name: "test" }
    }

    fn file_of(len: usize) -> (File, Vec<u8>) {
        let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let path = std::env::temp_dir().join(format!("writer-file-{len}-{}", std::process::id()));
        std::fs::write(&path, &data).unwrap();
        let file = File::open(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        (file, data)
    }

    #[test]
    fn a_small_file_goes_out_with_its_head() {
        let (file, data) = file_of(1024);
        let mut out = Vec::new();
        let outgoing =
            Outgoing::start(&mut out, HttpResponse::new(200).file_body(file, 0, 1024), framing()).unwrap();
        assert!(outgoing.is_done(), "a 1 KiB file was left for later");
        assert!(out.ends_with(&data) && out.starts_with(b"HTTP/1.1 200 OK\r\n"));
        assert!(String::from_utf8_lossy(&out).contains("Content-Length: 1024\r\n"));
    }

    #[test]
    fn a_large_file_is_left_for_sendfile_or_read_in_chunks_from_its_offset() {
        let (file, data) = file_of(100_000);
        let mut out = Vec::new();
        let response = HttpResponse::new(206).file_body(file, 1000, 90_000);
        let mut outgoing = Outgoing::start(&mut out, response, framing()).unwrap();
        assert!(!outgoing.is_done());
        let head = out.len();
        assert!(String::from_utf8_lossy(&out).ends_with("Content-Length: 90000\r\n\r\n"));
        while !outgoing.is_done() {
            outgoing.refill(&mut out).unwrap();
        }
        assert!(out[head..] == data[1000..91_000]);
    }

    #[test]
    fn a_file_that_ends_early_is_an_error() {
        let (file, _) = file_of(20_000);
        let mut out = Vec::new();
        let mut outgoing =
            Outgoing::start(&mut out, HttpResponse::new(200).file_body(file, 0, 30_000), framing()).unwrap();
        let mut result = Ok(());
        while result.is_ok() && !outgoing.is_done() {
            result = outgoing.refill(&mut out);
        }
        assert!(result.unwrap_err().to_string().contains("ended after 20000 of its 30000 bytes"));
    }
}
