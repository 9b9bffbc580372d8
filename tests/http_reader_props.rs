//! The HTTP request reader over byte streams (the check the
//! `http_request` fuzz target runs): pipelined, chunked and refused
//! requests read the same in any split, and each limit refuses with its
//! status. The check uses small limits: a 64-byte request line, a
//! 512-byte head, 8 fields, a 256-byte body.

use proptest::collection::vec;
use proptest::prelude::*;
use socketserver::http::check_request_reader;

fn get(target: &str) -> String {
    format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n")
}

#[test]
fn pipelined_requests_are_all_read() {
    let mut stream = get("/a") + &get("/b");
    stream += "POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
    stream += "PUT /d HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nTrailer: t\r\n\r\n";
    assert_eq!(check_request_reader(stream.as_bytes(), &[1, 7, 3]), (4, None));
}

#[test]
fn each_limit_refuses_with_its_status() {
    let cases: Vec<(String, u16)> = vec![
        (get(&format!("/{}", "a".repeat(80))), 414),
        (format!("GET / HTTP/1.1\r\nHost: x\r\nX: {}\r\n\r\n", "v".repeat(600)), 431),
        (format!("GET / HTTP/1.1\r\nHost: x\r\n{}\r\n", "A: b\r\n".repeat(9)), 431),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 257\r\n\r\n".to_string(), 413),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n101\r\n".to_string(), 413),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n".to_string(), 400),
        (
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"
                .to_string(),
            400,
        ),
        ("GET / HTTP/1.1\r\n\r\n".to_string(), 400),
        ("BREW / HTTP/1.1\r\nHost: x\r\n\r\n".to_string(), 501),
        ("GET / HTTP/2.0\r\nHost: x\r\n\r\n".to_string(), 505),
    ];
    for (stream, status) in cases {
        let read = check_request_reader(stream.as_bytes(), &[5]);
        assert_eq!(read, (0, Some(status)), "{stream:?}");
    }
}

#[test]
fn a_stream_ending_mid_request_is_a_quiet_end() {
    let stream = get("/a") + "GET /b HTTP/1.1\r\nHo";
    assert_eq!(check_request_reader(stream.as_bytes(), &[]), (1, None));
}

/// Requests of every framing, some broken, as bytes.
fn request() -> impl Strategy<Value = Vec<u8>> {
    let target = "/[a-z0-9%?=&]{0,40}";
    let body = vec(any::<u8>(), 0..300);
    (target, body, 0..4u8, vec(any::<u8>(), 0..3)).prop_map(|(target, body, kind, junk)| {
        let mut bytes = match kind {
            0 => get(&target).into_bytes(),
            1 => format!("POST {target} HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n", body.len())
                .into_bytes(),
            2 => format!("POST {target} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
                .into_bytes(),
            _ => format!("GET {target} HTTP/1.0\r\n\r\n").into_bytes(),
        };
        match kind {
            1 => bytes.extend_from_slice(&body),
            2 => {
                for chunk in body.chunks(97) {
                    bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                    bytes.extend_from_slice(chunk);
                    bytes.extend_from_slice(b"\r\n");
                }
                bytes.extend_from_slice(b"0\r\n\r\n");
            }
            _ => {}
        }
        // Now and then a stray byte, to break the framing somewhere.
        if let [at, byte] = junk[..] {
            let at = usize::from(at) % (bytes.len() + 1);
            bytes.insert(at, byte);
        }
        bytes
    })
}

proptest! {
    #[test]
    fn any_split_reads_the_same_requests(requests in vec(request(), 1..6), splits in vec(any::<u8>(), 0..8)) {
        let stream = requests.concat();
        check_request_reader(&stream, &splits);
    }

    #[test]
    fn arbitrary_bytes_never_break_the_reader(stream in vec(any::<u8>(), 0..2048), splits in vec(any::<u8>(), 0..8)) {
        check_request_reader(&stream, &splits);
    }
}

#[test]
fn a_large_trailer_is_refused_however_it_arrives() {
    let stream = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: {}\r\n\r\n",
        "v".repeat(600)
    );
    assert_eq!(check_request_reader(stream.as_bytes(), &[5]), (0, Some(431)));
}

#[test]
fn a_long_chunk_line_is_refused_however_it_arrives() {
    let stream = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;ext={}\r\na\r\n0\r\n\r\n",
        "e".repeat(5000)
    );
    assert_eq!(check_request_reader(stream.as_bytes(), &[200]), (0, Some(400)));
}
