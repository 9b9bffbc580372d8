//! A connected stream socket: TCP, Unix, or TLS over TCP.

use std::io::{self, IoSlice, Read, Write};
use std::net::{Shutdown, TcpStream};
#[cfg(unix)]
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
#[cfg(unix)]
use std::os::unix::net::UnixStream;
use std::time::Duration;

#[cfg(feature = "tls")]
use crate::tls::TlsStream;

/// The socket under a [`Connection`](crate::Connection): a TCP stream, a
/// Unix stream or a TLS session over TCP, read and written the same way.
#[derive(Debug)]
#[non_exhaustive]
pub enum Stream {
    /// A TCP connection.
    Tcp(TcpStream),
    /// A Unix stream connection.
    #[cfg(unix)]
    Unix(UnixStream),
    /// A TLS session over a TCP connection (feature `tls`).
    #[cfg(feature = "tls")]
    Tls(Box<TlsStream>),
}

/// The same call on the socket of every kind (for TLS, on its TCP socket:
/// only for calls that neither read nor write).
macro_rules! each {
    ($self:expr, $s:ident => $body:expr) => {
        match $self {
            Stream::Tcp($s) => $body,
            #[cfg(unix)]
            Stream::Unix($s) => $body,
            #[cfg(feature = "tls")]
            Stream::Tls(tls) => {
                let $s = tls.tcp();
                $body
            }
        }
    };
}

/// The same read or write on every kind of stream, TLS through rustls.
macro_rules! each_io {
    ($self:expr, $s:ident => $body:expr) => {
        match $self {
            Stream::Tcp($s) => $body,
            #[cfg(unix)]
            Stream::Unix($s) => $body,
            #[cfg(feature = "tls")]
            Stream::Tls(tls) => {
                let $s: &TlsStream = tls;
                $body
            }
        }
    };
}

impl Stream {
    /// Sets the limit on each blocking read; `None` waits forever.
    ///
    /// # Errors
    ///
    /// Fails with `InvalidInput` for a zero duration, as std does.
    pub fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        each!(self, s => s.set_read_timeout(timeout))
    }

    /// Sets the limit on each blocking write; `None` waits forever.
    ///
    /// # Errors
    ///
    /// Fails with `InvalidInput` for a zero duration, as std does.
    pub fn set_write_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        each!(self, s => s.set_write_timeout(timeout))
    }

    /// Shuts down the read half, the write half, or both.
    ///
    /// # Errors
    ///
    /// Fails when the socket is no longer connected.
    /// A TLS stream sends `close_notify` before its write side shuts.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        match self {
            #[cfg(feature = "tls")]
            Stream::Tls(tls) => tls.shutdown(how),
            _ => each!(self, s => s.shutdown(how)),
        }
    }

    /// Switches the socket between blocking and non-blocking mode.
    ///
    /// # Errors
    ///
    /// Fails only if the system call does.
    pub fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        match self {
            #[cfg(feature = "tls")]
            Stream::Tls(tls) => tls.set_nonblocking(nonblocking),
            _ => each!(self, s => s.set_nonblocking(nonblocking)),
        }
    }

    /// The TLS session, for a TLS stream.
    #[cfg(feature = "tls")]
    pub fn tls(&self) -> Option<&TlsStream> {
        match self {
            Stream::Tls(tls) => Some(tls),
            _ => None,
        }
    }

    /// A second handle to the same socket, for writing to the client from
    /// another thread (a chat server's broadcast). Both handles share the
    /// socket's options, its mode and its buffers in the kernel.
    ///
    /// # Errors
    ///
    /// Fails when the system is out of descriptors, and always for a TLS
    /// stream (`Unsupported`): its session is one state that a second
    /// handle writing around it would break.
    pub fn try_clone(&self) -> io::Result<Stream> {
        match self {
            Stream::Tcp(s) => s.try_clone().map(Stream::Tcp),
            #[cfg(unix)]
            Stream::Unix(s) => s.try_clone().map(Stream::Unix),
            #[cfg(feature = "tls")]
            Stream::Tls(_) => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "a TLS stream cannot be cloned: its session is one state; write from the connection's own \
                 thread (hand it the messages through a channel)",
            )),
        }
    }

    /// Reads from the socket itself, under any wrapping (the PROXY
    /// header comes before a TLS handshake, and must not reach it);
    /// `peek` leaves the bytes there for the next read.
    #[cfg(all(unix, feature = "proxy-protocol"))]
    pub(crate) fn recv_raw(&self, buf: &mut [u8], peek: bool) -> io::Result<usize> {
        let flags = if peek { libc::MSG_PEEK } else { 0 };
        // SAFETY: `buf` is valid for `buf.len()` bytes and the socket is
        // open while `self` lives.
        let n = unsafe { libc::recv(self.raw_fd(), buf.as_mut_ptr().cast(), buf.len(), flags) };
        if n < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(n as usize)
        }
    }

    /// The descriptor a file may be `sendfile(2)`d to: the socket itself
    /// for plain TCP and Unix streams, where every byte written to it
    /// goes to the peer as is. A stream that transforms what is written
    /// (TLS) must answer `None`, and its writers fall back to `write`.
    #[cfg(unix)]
    #[cfg_attr(not(feature = "http"), allow(dead_code))]
    pub(crate) fn sendfile_fd(&self) -> Option<RawFd> {
        // Written variant by variant so that any other stream (a TLS one)
        // answers `None` without being named here.
        if let Stream::Tcp(s) = self {
            return Some(s.as_raw_fd());
        }
        if let Stream::Unix(s) = self {
            return Some(s.as_raw_fd());
        }
        None
    }

    #[cfg(unix)]
    pub(crate) fn raw_fd(&self) -> RawFd {
        each!(self, s => s.as_raw_fd())
    }
}

#[cfg(unix)]
impl AsFd for Stream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        each!(self, s => s.as_fd())
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&*self).read(buf)
    }
}

impl Read for &Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        each_io!(*self, s => (&*s).read(buf))
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&*self).write(buf)
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        (&*self).write_vectored(bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        (&*self).flush()
    }
}

impl Write for &Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        each_io!(*self, s => (&*s).write(buf))
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        each_io!(*self, s => (&*s).write_vectored(bufs))
    }

    /// Nothing to do for TCP and Unix sockets; a TLS stream writes out the
    /// ciphertext it still holds (`WouldBlock` when the socket does not
    /// take it all).
    fn flush(&mut self) -> io::Result<()> {
        each_io!(*self, s => (&*s).flush())
    }
}
