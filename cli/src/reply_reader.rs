//! Reading one reply from a stream whose protocol has no length: up to a
//! newline, the end of the stream, or a quiet spell.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::time::Duration;

/// A connected stream whose reads can be given a time limit.
pub trait Conn: Read + Write {
    /// Same as [`TcpStream::set_read_timeout`].
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()>;
}

impl Conn for TcpStream {
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        TcpStream::set_read_timeout(self, timeout)
    }
}

impl Conn for crate::tls_client::TlsStream {
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        self.sock.set_read_timeout(timeout)
    }
}

impl Conn for UnixStream {
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        UnixStream::set_read_timeout(self, timeout)
    }
}

/// What came back.
#[derive(Debug, Default)]
pub struct Reply {
    /// The bytes, as sent.
    pub bytes: Vec<u8>,
    /// Whether the server closed its side.
    pub closed: bool,
}

/// Reads until the bytes end in a newline or the server closes. When
/// nothing arrives within `wait`: an empty reply if `optional`, else a
/// `TimedOut` error. A reply cut off by `wait` after some bytes is
/// returned as it is (a raw echo of text with no newline).
///
/// An `optional` reply (a greeting, which may be several lines sent
/// separately) is read until `wait` passes with nothing more.
pub fn read_reply(conn: &mut impl Conn, wait: Duration, optional: bool) -> io::Result<Reply> {
    let mut reply = Reply::default();
    let mut chunk = [0; 16 * 1024];
    conn.set_read_timeout(Some(wait))?;
    loop {
        match conn.read(&mut chunk) {
            Ok(0) => {
                reply.closed = true;
                return Ok(reply);
            }
            Ok(n) => {
                reply.bytes.extend_from_slice(&chunk[..n]);
                if !optional && reply.bytes.ends_with(b"\n") {
                    return Ok(reply);
                }
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) if is_timeout(&err) && (optional || !reply.bytes.is_empty()) => return Ok(reply),
            Err(err) if is_timeout(&err) => return Err(io::Error::new(io::ErrorKind::TimedOut, err)),
            // A TLS server that closed without close_notify: closed too.
            Err(err)
                if matches!(err.kind(), io::ErrorKind::ConnectionReset | io::ErrorKind::UnexpectedEof) =>
            {
                reply.closed = true;
                return Ok(reply);
            }
            Err(err) => return Err(err),
        }
    }
}

fn is_timeout(err: &io::Error) -> bool {
    matches!(err.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}
