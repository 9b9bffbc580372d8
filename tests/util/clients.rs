//! Clients of the line and datagram servers under test, each with a read
//! timeout of [`PATIENCE`] so a missing reply fails the test instead of
//! hanging it.

use super::PATIENCE;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::os::unix::net;
use std::path::{Path, PathBuf};

/// A client of a line protocol over TCP or a Unix stream, with a read
/// timeout so a missing reply fails the test instead of hanging it.
pub struct LineClient<S: Read + Write> {
    reader: BufReader<S>,
}

impl LineClient<TcpStream> {
    /// Connects over TCP.
    pub fn tcp(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).expect("cannot connect");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        LineClient { reader: BufReader::new(stream) }
    }

    /// Wraps a connected TCP stream.
    pub fn from_tcp(stream: TcpStream) -> Self {
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        LineClient { reader: BufReader::new(stream) }
    }

    /// The socket.
    pub fn stream(&self) -> &TcpStream {
        self.reader.get_ref()
    }
}

impl LineClient<net::UnixStream> {
    /// Connects over a Unix stream socket.
    pub fn unix(path: &Path) -> Self {
        let stream = net::UnixStream::connect(path).expect("cannot connect");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        LineClient { reader: BufReader::new(stream) }
    }
}

impl<S: Read + Write> LineClient<S> {
    /// Sends raw bytes.
    pub fn send(&mut self, bytes: &[u8]) {
        self.reader.get_mut().write_all(bytes).expect("cannot send");
    }

    /// Reads one line, without its newline; panics at end of stream.
    pub fn line(&mut self) -> String {
        let mut line = String::new();
        let n = self.reader.read_line(&mut line).expect("cannot read a reply line");
        assert!(n > 0, "the connection closed before a reply line");
        line.trim_end_matches('\n').to_string()
    }

    /// Sends `line` and a newline, returns the reply line.
    pub fn ask(&mut self, line: &str) -> String {
        self.send(format!("{line}\n").as_bytes());
        self.line()
    }

    /// Whether the server closed the connection: the next read finds end
    /// of stream or a reset (and no data).
    pub fn closed(&mut self) -> bool {
        let mut rest = Vec::new();
        match self.reader.read_to_end(&mut rest) {
            Ok(_) => rest.is_empty(),
            Err(err) => err.kind() == io::ErrorKind::ConnectionReset,
        }
    }
}

/// A datagram client: UDP, or a Unix datagram socket bound to a path (so
/// it can be answered).
pub enum DatagramClient {
    /// A UDP socket and the server's address.
    Udp(UdpSocket, SocketAddr),
    /// A Unix datagram socket and the server's path.
    Unix(net::UnixDatagram, PathBuf),
}

impl DatagramClient {
    /// A UDP client of `server`.
    pub fn udp(server: SocketAddr) -> Self {
        let local: SocketAddr = if server.is_ipv6() { "[::1]:0" } else { "127.0.0.1:0" }.parse().unwrap();
        let socket = UdpSocket::bind(local).unwrap();
        socket.set_read_timeout(Some(PATIENCE)).unwrap();
        DatagramClient::Udp(socket, server)
    }

    /// A Unix datagram client of `server`, bound to `own`.
    pub fn unix(server: &Path, own: &Path) -> Self {
        let socket = net::UnixDatagram::bind(own).unwrap();
        socket.set_read_timeout(Some(PATIENCE)).unwrap();
        DatagramClient::Unix(socket, server.to_path_buf())
    }

    /// Sends one datagram.
    pub fn send(&self, data: &[u8]) {
        match self {
            DatagramClient::Udp(socket, to) => socket.send_to(data, to).map(drop),
            DatagramClient::Unix(socket, to) => socket.send_to(data, to).map(drop),
        }
        .expect("cannot send a datagram");
    }

    /// Receives one datagram (within [`PATIENCE`]).
    pub fn recv(&self) -> Vec<u8> {
        let mut buf = vec![0; 65536];
        let n = match self {
            DatagramClient::Udp(socket, _) => socket.recv(&mut buf),
            DatagramClient::Unix(socket, _) => socket.recv(&mut buf),
        }
        .expect("no reply datagram");
        buf.truncate(n);
        buf
    }

    /// Sends `message` as it is, returns the reply as it is (the seeds'
    /// clients: no newline added or taken).
    pub fn ask_raw(&self, message: &str) -> String {
        self.send(message.as_bytes());
        String::from_utf8(self.recv()).expect("a text reply")
    }

    /// Sends `line` with a newline, returns the reply without its newline.
    pub fn ask(&self, line: &str) -> String {
        self.ask_raw(&format!("{line}\n")).trim_end_matches('\n').to_string()
    }
}
