//! The HTTP layer's public rules (RFC 9110) on a handler's own bodies:
//! validators and preconditions, ranges, content-coding negotiation,
//! through `Representation` and the decisions on their own.

mod util;

use socketserver::http::{
    AcceptEncoding, ContentCoding, EntityTag, Http, HttpRequest, HttpResponse, Method, Precondition,
    Representation, Validators,
};
use std::io;
use std::time::{Duration, SystemTime};
use util::{exchange, serve_http, HttpServing, Response};

const DOC: &[u8] = b"0123456789abcdefghij";
const STAMP: &str = "Tue, 14 Nov 2023 22:13:20 GMT";

fn validators() -> Validators {
    let changed = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    Validators::new().etag(EntityTag::strong("doc-v1").unwrap()).last_modified(changed)
}

/// `/doc` is `DOC` in memory with validators; `/stream` is the same
/// bytes of unknown length; `/coded` is negotiated between gzip (fake
/// bytes) and identity; `PUT /doc` is conditional on `If-Match`.
fn app(req: &HttpRequest) -> io::Result<HttpResponse> {
    match (req.method(), req.path()) {
        (Method::Put, "/doc") => Ok(match validators().precondition(req) {
            Precondition::Proceed => HttpResponse::new(204),
            Precondition::NotModified => HttpResponse::new(304),
            Precondition::Failed => HttpResponse::text(412, "stale\n"),
        }),
        (_, "/doc") => Ok(Representation::bytes("text/plain", DOC)?.validators(validators()).respond(req)),
        (_, "/stream") => {
            Ok(Representation::stream("text/plain", DOC)?.validators(validators()).respond(req))
        }
        (_, "/coded") => {
            let coding = AcceptEncoding::of(req).best(&[ContentCoding::Gzip]);
            let (body, tag) = match coding {
                Some(_) => (&b"GZIPPED"[..], "doc-v1-gzip"),
                None => (DOC, "doc-v1"),
            };
            let validators = Validators::new().etag(EntityTag::strong(tag)?);
            Ok(Representation::bytes("text/plain", body)?
                .validators(validators)
                .negotiated(coding)
                .respond(req))
        }
        _ => Ok(HttpResponse::text(404, "no such document\n")),
    }
}

fn serve() -> HttpServing<fn(&HttpRequest) -> io::Result<HttpResponse>> {
    serve_http(Http::new(app as fn(&HttpRequest) -> io::Result<HttpResponse>))
}

fn ask(server: &HttpServing<fn(&HttpRequest) -> io::Result<HttpResponse>>, head: &str) -> Response {
    exchange(server.inet(), format!("{head}\r\nHost: x\r\n\r\n").as_bytes())
}

#[test]
fn rfc9110_8_8_a_whole_body_carries_its_validators() {
    let server = serve();
    let whole = ask(&server, "GET /doc HTTP/1.1");
    assert_eq!((whole.status, whole.body.as_slice()), (200, DOC));
    assert_eq!(whole.header("etag"), Some("\"doc-v1\""));
    assert_eq!(whole.header("last-modified"), Some(STAMP));
    assert_eq!(whole.header("accept-ranges"), Some("bytes"));
    assert_eq!(whole.header("content-type"), Some("text/plain"));
    assert_eq!(whole.header("vary"), None);
}

#[test]
fn rfc9110_13_1_2_if_none_match_answers_304_with_the_validators() {
    let server = serve();
    for condition in ["If-None-Match: \"doc-v1\"", "If-None-Match: \"x\", W/\"doc-v1\"", "If-None-Match: *"] {
        let cached = ask(&server, &format!("GET /doc HTTP/1.1\r\n{condition}"));
        assert_eq!((cached.status, cached.body.len()), (304, 0), "{condition}");
        assert_eq!(cached.header("etag"), Some("\"doc-v1\""));
        assert_eq!(cached.header("last-modified"), Some(STAMP));
    }
    assert_eq!(ask(&server, "GET /doc HTTP/1.1\r\nIf-None-Match: \"doc-v0\"").status, 200);
    assert_eq!(ask(&server, &format!("GET /doc HTTP/1.1\r\nIf-Modified-Since: {STAMP}")).status, 304);
    let stale = format!("GET /doc HTTP/1.1\r\nIf-None-Match: \"doc-v0\"\r\nIf-Modified-Since: {STAMP}");
    assert_eq!(ask(&server, &stale).status, 200, "If-Modified-Since is ignored beside If-None-Match");
}

#[test]
fn rfc9110_13_1_1_if_match_that_fails_answers_412() {
    let server = serve();
    let failed = ask(&server, "GET /doc HTTP/1.1\r\nIf-Match: \"doc-v0\"");
    assert_eq!(failed.status, 412);
    assert_eq!(failed.header("etag"), Some("\"doc-v1\""));
    assert_eq!(ask(&server, "GET /doc HTTP/1.1\r\nIf-Match: W/\"doc-v1\"").status, 412, "strong comparison");
    assert_eq!(ask(&server, "GET /doc HTTP/1.1\r\nIf-Match: \"doc-v1\"").status, 200);
    let old = "If-Unmodified-Since: Sat, 01 Jan 2000 00:00:00 GMT";
    assert_eq!(ask(&server, &format!("GET /doc HTTP/1.1\r\n{old}")).status, 412);
    let put = |condition: &str| {
        ask(&server, &format!("PUT /doc HTTP/1.1\r\nContent-Length: 0\r\n{condition}")).status
    };
    assert_eq!(put("If-Match: \"doc-v1\""), 204);
    assert_eq!(put("If-Match: \"doc-v0\""), 412);
    assert_eq!(put("If-None-Match: *"), 412, "If-None-Match on a PUT fails, it is never 304");
}

#[test]
fn rfc9110_14_2_one_range_answers_206_with_content_range() {
    let server = serve();
    let cases = [
        ("bytes=0-4", "bytes 0-4/20", &b"01234"[..]),
        ("bytes=-3", "bytes 17-19/20", b"hij"),
        ("bytes=15-99", "bytes 15-19/20", b"fghij"),
    ];
    for (range, content_range, body) in cases {
        let part = ask(&server, &format!("GET /doc HTTP/1.1\r\nRange: {range}"));
        assert_eq!(part.status, 206, "{range}");
        assert_eq!(part.header("content-range"), Some(content_range), "{range}");
        assert_eq!(part.body, body, "{range}");
        assert_eq!(part.header("content-length"), Some(body.len().to_string().as_str()));
        assert_eq!(part.header("etag"), Some("\"doc-v1\""));
    }
    let mut client = server.connect();
    client.send(b"HEAD /doc HTTP/1.1\r\nHost: x\r\nRange: bytes=0-4\r\n\r\n");
    let head = client.response(true);
    assert_eq!((head.status, head.header("content-range")), (206, Some("bytes 0-4/20")));
    let post = ask(&server, "POST /doc HTTP/1.1\r\nContent-Length: 0\r\nRange: bytes=0-4");
    assert_eq!((post.status, post.body.as_slice()), (200, DOC), "range handling is for GET");
}

#[test]
fn rfc9110_14_6_several_ranges_answer_multipart_byteranges() {
    let server = serve();
    let multi = ask(&server, "GET /doc HTTP/1.1\r\nRange: bytes=12-13, 0-1, 2-3");
    assert_eq!(multi.status, 206);
    assert_eq!(multi.header("content-length"), Some(multi.body.len().to_string().as_str()));
    assert_eq!(multi.header("content-range"), None);
    let parts = multi.byte_ranges();
    assert_eq!(
        parts,
        [("bytes 0-3/20".to_string(), b"0123".to_vec()), ("bytes 12-13/20".to_string(), b"cd".to_vec())]
    );
}

#[test]
fn rfc9110_15_5_17_a_range_past_the_end_answers_416() {
    let server = serve();
    let refused = ask(&server, "GET /doc HTTP/1.1\r\nRange: bytes=20-");
    assert_eq!(refused.status, 416);
    assert_eq!(refused.header("content-range"), Some("bytes */20"));
    assert_eq!(refused.header("etag"), Some("\"doc-v1\""));
    let ignored = ask(&server, "GET /doc HTTP/1.1\r\nRange: bytes=5-2");
    assert_eq!((ignored.status, ignored.body.as_slice()), (200, DOC), "a malformed Range is ignored");
}

#[test]
fn rfc9110_13_1_5_if_range_allows_the_range_only_when_current() {
    let server = serve();
    let ranged = |if_range: &str| {
        ask(&server, &format!("GET /doc HTTP/1.1\r\nRange: bytes=0-1\r\nIf-Range: {if_range}"))
    };
    assert_eq!(ranged("\"doc-v1\"").status, 206);
    assert_eq!(ranged(STAMP).status, 206);
    let stale = ranged("\"doc-v0\"");
    assert_eq!((stale.status, stale.body.as_slice()), (200, DOC));
    assert_eq!(ranged("W/\"doc-v1\"").status, 200);
}

#[test]
fn rfc9110_14_3_a_stream_answers_preconditions_but_never_ranges() {
    let server = serve();
    let whole = ask(&server, "GET /stream HTTP/1.1\r\nRange: bytes=0-4");
    assert_eq!((whole.status, whole.body.as_slice()), (200, DOC));
    assert_eq!(whole.header("accept-ranges"), Some("none"));
    assert_eq!(ask(&server, "GET /stream HTTP/1.1\r\nIf-None-Match: \"doc-v1\"").status, 304);
}

#[test]
fn rfc9110_12_5_5_a_negotiated_body_varies_on_accept_encoding() {
    let server = serve();
    let coded = ask(&server, "GET /coded HTTP/1.1\r\nAccept-Encoding: br, gzip");
    assert_eq!((coded.status, coded.text().as_str()), (200, "GZIPPED"));
    assert_eq!(coded.header("content-encoding"), Some("gzip"));
    assert_eq!(coded.header("vary"), Some("Accept-Encoding"));
    assert_eq!(coded.header("etag"), Some("\"doc-v1-gzip\""));
    let plain = ask(&server, "GET /coded HTTP/1.1");
    assert_eq!((plain.status, plain.body.as_slice()), (200, DOC));
    assert_eq!((plain.header("content-encoding"), plain.header("vary")), (None, Some("Accept-Encoding")));
    let revalidated = ask(&server, "GET /coded HTTP/1.1\r\nIf-None-Match: \"doc-v1\"");
    assert_eq!((revalidated.status, revalidated.header("vary")), (304, Some("Accept-Encoding")));
}
