//! The PROXY protocol header a load balancer (HAProxy's `send-proxy` and
//! `send-proxy-v2`, nginx's `proxy_protocol on`) sends before a client's
//! first byte: version 1 (one text line) or version 2 (binary), parsed by
//! the `ppp` crate.
//!
//! Reading never goes past the header: the socket is peeked, and only the
//! header's own bytes are consumed, so what follows it (a request, a TLS
//! ClientHello) is still in the socket for whatever reads next. Both go to
//! the socket itself ([`Stream::recv_raw`]), under any wrapping stream. Bytes of
//! a header that has not all arrived are consumed into `partial` (they
//! are all header), so a level-triggered wait does not spin and an
//! edge-triggered one is woken by the rest.

use super::Stream;
use std::io;
use std::net::SocketAddr;

/// The v2 signature.
const V2_SIGNATURE: &[u8; 12] = b"\r\n\r\n\0\r\nQUIT\n";
/// The v1 prefix.
const V1_PREFIX: &[u8; 6] = b"PROXY ";
/// The longest v1 line, CRLF included (the specification's limit).
const V1_MAX: usize = 107;
/// The longest v2 header accepted: the 16-byte fixed part and up to
/// 1 KiB of addresses and TLVs (HAProxy sends a few dozen bytes).
const V2_MAX: usize = 16 + 1024;

/// What a PROXY header said.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Header {
    /// A proxied connection from this client.
    Proxied(SocketAddr),
    /// The proxy's own connection (v2 `LOCAL`, a health check) or a
    /// client of an unknown or Unix family: the socket's peer stays.
    Local,
}

/// What the bytes so far amount to.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Parsed {
    /// A whole header of `len` bytes.
    Complete(Header, usize),
    /// A valid beginning: more is needed.
    Incomplete,
    /// Not a PROXY header, or a malformed one: why.
    Invalid(String),
}

/// Parses the beginning of a connection's bytes as a PROXY header.
pub(crate) fn parse(bytes: &[u8]) -> Parsed {
    let starts = |prefix: &[u8]| {
        let n = bytes.len().min(prefix.len());
        bytes[..n] == prefix[..n]
    };
    if starts(V2_SIGNATURE) {
        parse_v2(bytes)
    } else if starts(V1_PREFIX) {
        parse_v1(bytes)
    } else {
        Parsed::Invalid(format!(
            "expected a PROXY protocol header (`PROXY ` or the v2 signature), found {:?}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(16)])
        ))
    }
}

fn parse_v2(bytes: &[u8]) -> Parsed {
    if bytes.len() < 16 {
        return Parsed::Incomplete;
    }
    let len = 16 + usize::from(u16::from_be_bytes([bytes[14], bytes[15]]));
    if len > V2_MAX {
        return Parsed::Invalid(format!("a PROXY v2 header of {len} bytes; at most {V2_MAX} are accepted"));
    }
    if bytes.len() < len {
        return Parsed::Incomplete;
    }
    match ppp::v2::Header::try_from(&bytes[..len]) {
        Ok(header) => Parsed::Complete(v2_client(&header), len),
        Err(err) => Parsed::Invalid(format!("a malformed PROXY v2 header: {err}")),
    }
}

fn v2_client(header: &ppp::v2::Header<'_>) -> Header {
    use ppp::v2::{Addresses, Command};
    match (header.command, header.addresses) {
        (Command::Proxy, Addresses::IPv4(ip)) => Header::Proxied((ip.source_address, ip.source_port).into()),
        (Command::Proxy, Addresses::IPv6(ip)) => Header::Proxied((ip.source_address, ip.source_port).into()),
        _ => Header::Local,
    }
}

fn parse_v1(bytes: &[u8]) -> Parsed {
    let Some(end) = bytes.windows(2).position(|pair| pair == b"\r\n") else {
        return if bytes.len() >= V1_MAX {
            Parsed::Invalid(format!("a PROXY v1 line longer than {V1_MAX} bytes"))
        } else {
            Parsed::Incomplete
        };
    };
    let len = end + 2;
    if len > V1_MAX {
        return Parsed::Invalid(format!("a PROXY v1 line longer than {V1_MAX} bytes"));
    }
    match ppp::v1::Header::try_from(&bytes[..len]) {
        Ok(header) => Parsed::Complete(v1_client(&header), len),
        Err(err) => Parsed::Invalid(format!("a malformed PROXY v1 header: {err}")),
    }
}

fn v1_client(header: &ppp::v1::Header<'_>) -> Header {
    use ppp::v1::Addresses;
    match header.addresses {
        Addresses::Tcp4(ip) => Header::Proxied((ip.source_address, ip.source_port).into()),
        Addresses::Tcp6(ip) => Header::Proxied((ip.source_address, ip.source_port).into()),
        Addresses::Unknown => Header::Local,
    }
}

/// Reads as much of the header as has arrived, without blocking and
/// without consuming a byte past it: `Ok(Some(header))` once it is whole,
/// `Ok(None)` while more is to come (the socket would block).
///
/// # Errors
///
/// `InvalidData` for bytes that are not a valid header, `UnexpectedEof`
/// when the client closed before the header was whole, or the socket's
/// own error.
pub(crate) fn read(stream: &Stream, partial: &mut Vec<u8>) -> io::Result<Option<Header>> {
    let mut peeked = [0u8; V2_MAX];
    loop {
        let room = V2_MAX - partial.len();
        let n = match stream.recv_raw(&mut peeked[..room], true) {
            Ok(0) => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, closed_early(partial))),
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(None),
            Err(err) => return Err(err),
        };
        let have = partial.len();
        partial.extend_from_slice(&peeked[..n]);
        match parse(partial) {
            Parsed::Complete(header, len) => {
                consume(stream, len - have)?;
                partial.clear();
                return Ok(Some(header));
            }
            Parsed::Incomplete => {
                // Every byte peeked belongs to the header: take them.
                consume(stream, n)?;
            }
            Parsed::Invalid(why) => return Err(io::Error::new(io::ErrorKind::InvalidData, why)),
        }
    }
}

fn closed_early(partial: &[u8]) -> String {
    format!("the connection closed after {} byte(s) of its PROXY header", partial.len())
}

/// Consumes `n` bytes already peeked (so they are there to read).
fn consume(stream: &Stream, mut n: usize) -> io::Result<()> {
    let mut sink = [0u8; 256];
    while n > 0 {
        let want = n.min(sink.len());
        match stream.recv_raw(&mut sink[..want], false) {
            Ok(0) => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the connection closed")),
            Ok(got) => n -= got,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v2(command: u8, family: u8, addresses: &[u8]) -> Vec<u8> {
        let mut bytes = V2_SIGNATURE.to_vec();
        bytes.extend([0x20 | command, family]);
        bytes.extend((addresses.len() as u16).to_be_bytes());
        bytes.extend(addresses);
        bytes
    }

    #[test]
    fn v1_tcp4_and_tcp6() {
        let line = b"PROXY TCP4 127.0.0.2 127.0.0.1 5555 80\r\nGET";
        let client: SocketAddr = "127.0.0.2:5555".parse().unwrap();
        assert_eq!(parse(line), Parsed::Complete(Header::Proxied(client), line.len() - 3));
        let line = b"PROXY TCP6 ::1 ::1 7 8\r\n";
        let client: SocketAddr = "[::1]:7".parse().unwrap();
        assert_eq!(parse(line), Parsed::Complete(Header::Proxied(client), line.len()));
        assert_eq!(parse(b"PROXY UNKNOWN\r\n"), Parsed::Complete(Header::Local, 15));
    }

    #[test]
    fn v2_proxy_and_local() {
        let addresses = [127, 0, 0, 2, 127, 0, 0, 1, 0x15, 0xb3, 0, 80];
        let header = v2(1, 0x11, &addresses);
        let client: SocketAddr = "127.0.0.2:5555".parse().unwrap();
        assert_eq!(parse(&header), Parsed::Complete(Header::Proxied(client), 28));
        assert_eq!(parse(&v2(0, 0, &[])), Parsed::Complete(Header::Local, 16));
    }

    #[test]
    fn every_prefix_is_incomplete() {
        let v1 = b"PROXY TCP4 127.0.0.2 127.0.0.1 5555 80\r\n";
        let v2 = v2(1, 0x11, &[127, 0, 0, 2, 127, 0, 0, 1, 0x15, 0xb3, 0, 80]);
        for whole in [&v1[..], &v2[..]] {
            for cut in 1..whole.len() {
                assert_eq!(parse(&whole[..cut]), Parsed::Incomplete, "cut at {cut}");
            }
        }
    }

    #[test]
    fn malformed_headers_are_invalid() {
        let bad: [&[u8]; 5] = [
            b"GET / HTTP/1.1\r\n",
            b"PROXY TCP4 999.0.0.1 127.0.0.1 1 2\r\n",
            b"PROXY TCP4 127.0.0.1 127.0.0.1 1\r\n",
            b"PROXY xxxxxxxxxxxxxxxxxxxx\r\n",
            &v2(7, 0x11, &[0; 12]),
        ];
        for bytes in bad {
            assert!(matches!(parse(bytes), Parsed::Invalid(_)), "{:?}", String::from_utf8_lossy(bytes));
        }
        let long = [&V1_PREFIX[..], &[b'1'; 200]].concat();
        assert!(matches!(parse(&long), Parsed::Invalid(_)));
        let mut huge = V2_SIGNATURE.to_vec();
        huge.extend([0x21, 0x11, 0xff, 0xff]);
        assert!(matches!(parse(&huge), Parsed::Invalid(why) if why.contains("at most")));
    }
}
