//! A raw HTTP/1.1 client and a minimal response reader, deliberately not
//! the crate's own code (std only: the CLI's tests include this file by
//! path).

use super::PATIENCE;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};

/// A parsed response.
#[derive(Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The header fields, in order, values trimmed.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl Response {
    /// The first field called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The parts of a `multipart/byteranges` body (RFC 9110 §14.6): each
    /// part's `Content-Range` and bytes, the closing delimiter checked.
    pub fn byte_ranges(&self) -> Vec<(String, Vec<u8>)> {
        let kind = self.header("content-type").unwrap();
        let boundary = kind.strip_prefix("multipart/byteranges; boundary=").expect(kind);
        let delimiter = format!("\r\n--{boundary}");
        let text = self.text();
        assert!(text.ends_with(&format!("{delimiter}--\r\n")), "no closing delimiter:\n{text}");
        let mut out = Vec::new();
        for part in text.split(&delimiter).skip(1) {
            if part.starts_with("--") {
                break;
            }
            let (head, data) = part.split_once("\r\n\r\n").unwrap();
            let range = head.lines().find_map(|l| l.strip_prefix("Content-Range: ")).unwrap().to_string();
            out.push((range, data.as_bytes().to_vec()));
        }
        out
    }

    /// Whether it says `Connection: close`.
    pub fn closes(&self) -> bool {
        self.header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }
}

/// A raw TCP client reading responses one at a time.
pub struct Client {
    /// The connection, buffered for reading.
    pub reader: BufReader<TcpStream>,
}

impl Client {
    /// Connects, with a read timeout of [`PATIENCE`].
    pub fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        Client { reader: BufReader::new(stream) }
    }

    /// A client over a connection made elsewhere (its read timeout set).
    pub fn from_stream(stream: TcpStream) -> Client {
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        Client { reader: BufReader::new(stream) }
    }

    /// Sends raw bytes.
    pub fn send(&mut self, bytes: &[u8]) {
        self.reader.get_mut().write_all(bytes).unwrap();
    }

    /// Reads one response; `head_only` for a HEAD request.
    pub fn response(&mut self, head_only: bool) -> Response {
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 "), "not a status line: {line:?}");
        let status = line[9..12].parse().unwrap();
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).unwrap();
            assert!(line.ends_with("\r\n"), "header line without CRLF: {line:?}");
            let line = line.trim_end_matches("\r\n");
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').expect("header without colon");
            headers.push((name.to_string(), value.trim().to_string()));
        }
        let mut response = Response { status, headers, body: Vec::new() };
        if head_only || status == 304 || status == 204 || status < 200 {
            return response;
        }
        if let Some(len) = response.header("content-length") {
            let mut body = vec![0; len.parse().unwrap()];
            self.reader.read_exact(&mut body).unwrap();
            response.body = body;
        } else if response.header("transfer-encoding") == Some("chunked") {
            response.body = self.chunked();
        } else {
            self.reader.read_to_end(&mut response.body).unwrap();
        }
        response
    }

    fn chunked(&mut self) -> Vec<u8> {
        let mut body = Vec::new();
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).unwrap();
            let size = usize::from_str_radix(line.trim_end(), 16).unwrap();
            let mut chunk = vec![0; size + 2];
            self.reader.read_exact(&mut chunk).unwrap();
            if size == 0 {
                return body;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    }

    /// Whether the server has closed: the next read is end of stream.
    pub fn at_eof(&mut self) -> bool {
        let mut rest = Vec::new();
        match self.reader.read_to_end(&mut rest) {
            Ok(_) => rest.is_empty(),
            Err(err) if err.kind() == io::ErrorKind::ConnectionReset => true,
            Err(err) => panic!("reading for end of stream failed: {err}"),
        }
    }
}

/// Sends `bytes` on a fresh connection and reads one response.
pub fn exchange(addr: SocketAddr, bytes: &[u8]) -> Response {
    let mut client = Client::connect(addr);
    client.send(bytes);
    client.response(false)
}

/// Sends `bytes`, reads one response, and checks the server closed.
pub fn refused(addr: SocketAddr, bytes: &[u8]) -> Response {
    let mut client = Client::connect(addr);
    let _ = client.reader.get_mut().write_all(bytes);
    let response = client.response(false);
    assert!(response.closes(), "a refusal must close: {response:?}");
    assert!(client.at_eof(), "the server kept the connection open after {}", response.status);
    response
}
