//! StaticFiles: content, caching, ranges, listings, and no way out of
//! the root.

mod util;

use socketserver::handlers::StaticFiles;
use socketserver::http::Http;
use std::fs;
use std::path::{Path, PathBuf};
use util::{exchange, serve_http, HttpServing, TempDir};

const SECRET: &str = "TOP SECRET: outside the root";

/// A temporary tree: `base/secret.txt` beside `base/root/`, removed on drop.
struct Tree {
    dir: TempDir,
}

impl Tree {
    fn new(name: &str) -> Tree {
        let dir = TempDir::new(name);
        let base = dir.path().to_path_buf();
        let root = base.join("root");
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::create_dir_all(root.join("list/inner dir")).unwrap();
        fs::write(base.join("secret.txt"), SECRET).unwrap();
        fs::write(root.join("hello.txt"), "hello, static world\n").unwrap();
        fs::write(root.join("page.html"), "<p>page</p>").unwrap();
        fs::write(root.join("sub/index.html"), "<h1>index</h1>").unwrap();
        for name in ["b.txt", "a.txt", "<img src=x onerror=alert(1)>.txt", "space name.txt", "amp&.txt"] {
            fs::write(root.join("list").join(name), name).unwrap();
        }
        std::os::unix::fs::symlink(base.join("secret.txt"), root.join("link-out")).unwrap();
        std::os::unix::fs::symlink(&base, root.join("dir-out")).unwrap();
        std::os::unix::fs::symlink(root.join("hello.txt"), root.join("link-in")).unwrap();
        std::os::unix::fs::symlink(base.join("secret.txt"), root.join("sub/index-link")).unwrap();
        Tree { dir }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }

    fn serve(&self) -> HttpServing<StaticFiles> {
        serve_http(Http::new(StaticFiles::new(self.root()).unwrap()))
    }
}

fn get<C: socketserver::Concurrency>(
    server: &util::Serving<socketserver::Tcp, C, Http<StaticFiles>>,
    target: &str,
    extra: &str,
) -> util::Response {
    exchange(server.inet(), format!("GET {target} HTTP/1.1\r\nHost: x\r\n{extra}\r\n").as_bytes())
}

#[test]
fn no_path_reaches_outside_the_root() {
    let tree = Tree::new("escape");
    let server = tree.serve();
    let attempts = [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..%2Fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%5csecret.txt",
        "/..%5Csecret.txt",
        "/..\\secret.txt",
        "/sub/../../secret.txt",
        "/sub/%2e%2e/%2e%2e/secret.txt",
        "/./../secret.txt",
        "//../secret.txt",
        "/hello.txt%00../../secret.txt",
        "/%00/../secret.txt",
        "/%252e%252e/secret.txt",
        "/link-out",
        "/dir-out/secret.txt",
        "/dir-out/",
        "/sub/index-link",
        "http://x/../secret.txt",
        "../secret.txt",
    ];
    for target in attempts {
        let response = get(&server, target, "");
        assert!(
            matches!(response.status, 400 | 403 | 404),
            "{target} answered {}: {}",
            response.status,
            response.text()
        );
        assert!(!response.text().contains("TOP SECRET"), "{target} leaked the secret");
    }
    // The root itself and a symlink inside it still work.
    assert_eq!(get(&server, "/link-in", "").text(), "hello, static world\n");
    assert_eq!(get(&server, "/hello.txt", "").status, 200);
}

#[test]
fn files_have_type_length_and_last_modified() {
    let tree = Tree::new("files");
    let server = tree.serve();
    let text = get(&server, "/hello.txt", "");
    assert_eq!(text.status, 200);
    assert_eq!(text.header("content-type"), Some("text/plain"));
    assert_eq!(text.header("content-length"), Some("20"));
    assert_eq!(text.header("accept-ranges"), Some("bytes"));
    assert!(text.header("last-modified").is_some_and(|d| d.ends_with(" GMT")));
    assert_eq!(get(&server, "/page.html", "").header("content-type"), Some("text/html"));
    assert_eq!(get(&server, "/missing.txt", "").status, 404);

    let mut client = server.connect();
    client.send(b"HEAD /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let head = client.response(true);
    assert_eq!(head.header("content-length"), Some("20"));
    assert!(client.at_eof(), "HEAD sent a body");

    let post = exchange(server.inet(), b"POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
}

#[test]
fn if_modified_since_answers_304() {
    let tree = Tree::new("cache");
    let server = tree.serve();
    let first = get(&server, "/hello.txt", "");
    let stamp = first.header("last-modified").unwrap().to_string();
    let cached = get(&server, "/hello.txt", &format!("If-Modified-Since: {stamp}\r\n"));
    assert_eq!(cached.status, 304);
    assert!(cached.body.is_empty());
    let old = get(&server, "/hello.txt", "If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n");
    assert_eq!(old.status, 200);
    let junk = get(&server, "/hello.txt", "If-Modified-Since: yesterday\r\n");
    assert_eq!(junk.status, 200);
}

#[test]
fn single_ranges_answer_206_or_416() {
    let tree = Tree::new("range");
    let server = tree.serve();
    let part = get(&server, "/hello.txt", "Range: bytes=0-4\r\n");
    assert_eq!(part.status, 206);
    assert_eq!(part.text(), "hello");
    assert_eq!(part.header("content-range"), Some("bytes 0-4/20"));
    let tail = get(&server, "/hello.txt", "Range: bytes=-6\r\n");
    assert_eq!(tail.text(), "world\n");
    let past = get(&server, "/hello.txt", "Range: bytes=50-\r\n");
    assert_eq!(past.status, 416);
    assert_eq!(past.header("content-range"), Some("bytes */20"));
    let stale = get(&server, "/hello.txt", "Range: bytes=0-4\r\nIf-Range: Sat, 01 Jan 2000 00:00:00 GMT\r\n");
    assert_eq!(stale.status, 200);
}

#[test]
fn directories_redirect_serve_index_or_list() {
    let tree = Tree::new("dirs");
    let server = tree.serve();
    let redirect = get(&server, "/sub", "");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location"), Some("/sub/"));
    assert_eq!(get(&server, "/sub/", "").text(), "<h1>index</h1>");

    let listing = get(&server, "/list/", "");
    assert_eq!(listing.status, 200);
    assert_eq!(listing.header("content-type"), Some("text/html; charset=utf-8"));
    let page = listing.text();
    assert!(!page.contains("<img"), "a file name injected markup:\n{page}");
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;.txt"));
    assert!(page.contains("href=\"%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.txt\""), "{page}");
    assert!(page.contains("href=\"space%20name.txt\""));
    assert!(page.contains("amp&amp;.txt"));
    assert!(page.contains("href=\"inner%20dir/\">inner dir/</a>"));
    let order: Vec<usize> = ["&lt;img", "a.txt", "amp&amp;", "b.txt", "inner dir/", "space name"]
        .iter()
        .map(|name| page.find(name).unwrap_or_else(|| panic!("{name} missing from\n{page}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "not sorted:\n{page}");
    assert_eq!(get(&server, "/list/space%20name.txt", "").text(), "space name.txt");
}

#[test]
fn the_root_must_be_a_directory() {
    let tree = Tree::new("root");
    let error = StaticFiles::new(tree.root().join("hello.txt")).unwrap_err();
    assert!(error.to_string().contains("not a directory"), "{error}");
    assert!(StaticFiles::new(Path::new("/no/such/dir/anywhere")).is_err());
}

#[test]
fn large_files_stream_whole_and_in_ranges() {
    let tree = Tree::new("large");
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    fs::write(tree.root().join("blob.bin"), &data).unwrap();
    let server = tree.serve();
    let mut client = server.connect();
    client.send(b"GET /blob.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /blob.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=100000-199999\r\n\r\n");
    let whole = client.response(false);
    assert_eq!(whole.header("content-type"), Some("application/octet-stream"));
    assert!(whole.body == data, "the whole file differs");
    let part = client.response(false);
    assert_eq!(part.status, 206);
    assert!(part.body == data[100_000..200_000], "the range differs");
}

/// CVE-2021-28861's class (RFC 9110 §10.2.2, RFC 3986 §4.2): with a
/// directory `evil.example/` in the root, no spelling of `//evil.example`
/// may redirect to a `Location` that a browser reads as another host
/// (`//host`, `/\host`) or another scheme.
#[test]
fn rfc3986_4_2_directory_redirects_never_leave_the_site() {
    let tree = Tree::new("redirect");
    fs::create_dir_all(tree.root().join("evil.example")).unwrap();
    let server = tree.serve();
    let spellings = [
        "//evil.example",
        "///evil.example",
        "////evil.example",
        "//evil.example?next=1",
        "/.//evil.example",
        "http://x//evil.example",
        "/%2F%2Fevil.example",
        "/%2f/evil.example",
        "/%5C%5Cevil.example",
        "/%5cevil.example",
        "/\\evil.example",
        "/\\\\evil.example",
        "//%65vil.example",
        "/%09/evil.example",
    ];
    for target in spellings {
        let response = get(&server, target, "");
        if response.status != 301 {
            assert!(matches!(response.status, 400 | 403 | 404), "{target} answered {}", response.status);
            continue;
        }
        let location = response.header("location").unwrap();
        let start: String = location.chars().take(2).collect();
        assert!(start != "//" && !start.contains('\\'), "{target} → Location {location}");
        assert!(location.starts_with("/evil.example/"), "{target} → Location {location}");
        assert!(!location.split('/').next().unwrap().contains(':'), "{target} → Location {location}");
    }
    let plain = get(&server, "//evil.example?next=1", "");
    assert_eq!(plain.header("location"), Some("/evil.example/?next=1"));
}

/// RFC 9110 §14.6: several ranges are answered as `multipart/byteranges`
/// with an exact `Content-Length`; overlapping ones are merged; more than
/// 16 after merging get the whole file (200), as documented.
#[test]
fn rfc9110_14_6_several_ranges_are_multipart() {
    let tree = Tree::new("multirange");
    let server = tree.serve();
    let multi = get(&server, "/hello.txt", "Range: bytes=0-1, 7-12\r\n");
    assert_eq!(multi.status, 206);
    assert_eq!(multi.header("content-length").unwrap(), multi.body.len().to_string());
    let got = multi.byte_ranges();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0], ("bytes 0-1/20".to_string(), b"he".to_vec()));
    assert_eq!(got[1], ("bytes 7-12/20".to_string(), b"static".to_vec()));
    let merged = get(&server, "/hello.txt", "Range: bytes=0-3,2-4\r\n");
    assert_eq!((merged.status, merged.text().as_str()), (206, "hello"));
    assert_eq!(merged.header("content-range"), Some("bytes 0-4/20"));
    let many: Vec<String> = (0..17).map(|i| format!("{}-{}", i, i)).collect::<Vec<_>>();
    let spaced: Vec<String> = (0..17).map(|i| format!("{}-{}", i * 2 % 20, i * 2 % 20)).collect();
    assert_eq!(get(&server, "/hello.txt", &format!("Range: bytes={}\r\n", many.join(","))).status, 206);
    let flood = get(&server, "/hello.txt", &format!("Range: bytes={}\r\n", spaced[..10].join(",")));
    assert_eq!(flood.status, 206);
    assert_eq!(flood.byte_ranges().len(), 10);
    let data: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
    fs::write(tree.root().join("k.bin"), &data).unwrap();
    let seventeen: Vec<String> = (0..17).map(|i| format!("{}-{}", i * 10, i * 10 + 1)).collect();
    let whole = get(&server, "/k.bin", &format!("Range: bytes={}\r\n", seventeen.join(",")));
    assert_eq!(whole.status, 200);
    assert!(whole.body == data);
}

/// RFC 9110 §8.8.3 and §13.1.2: a strong ETag from size, mtime and inode;
/// `If-None-Match` (weak comparison, `*`) answers 304 for GET and HEAD.
#[test]
fn rfc9110_13_1_2_if_none_match_answers_304() {
    let tree = Tree::new("etag");
    let server = tree.serve();
    let first = get(&server, "/hello.txt", "");
    let tag = first.header("etag").unwrap().to_string();
    assert!(tag.starts_with('"') && tag.ends_with('"'), "not a strong tag: {tag}");
    assert_eq!(get(&server, "/hello.txt", "").header("etag"), Some(tag.as_str()), "the tag is stable");
    for header in
        [format!("If-None-Match: {tag}"), format!("If-None-Match: \"x\", W/{tag}"), "If-None-Match: *".into()]
    {
        let cached = get(&server, "/hello.txt", &format!("{header}\r\n"));
        assert_eq!(cached.status, 304, "{header}");
        assert_eq!(cached.header("etag"), Some(tag.as_str()));
    }
    assert_eq!(get(&server, "/hello.txt", "If-None-Match: \"other\"\r\n").status, 200);
    // A change of content changes the tag.
    fs::write(tree.root().join("hello.txt"), "hello, changed static world\n").unwrap();
    let changed = get(&server, "/hello.txt", &format!("If-None-Match: {tag}\r\n"));
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag"), Some(tag.as_str()));
}

/// RFC 9110 §13.1.3 and §13.2.2: If-Modified-Since is ignored when
/// If-None-Match is present, so a stale ETag never gets a wrong 304.
#[test]
fn rfc9110_13_2_2_if_none_match_takes_precedence_over_if_modified_since() {
    let tree = Tree::new("precedence");
    let server = tree.serve();
    let first = get(&server, "/hello.txt", "");
    let stamp = first.header("last-modified").unwrap();
    let stale =
        get(&server, "/hello.txt", &format!("If-None-Match: \"stale\"\r\nIf-Modified-Since: {stamp}\r\n"));
    assert_eq!(stale.status, 200, "a stale ETag got 304 through If-Modified-Since");
    assert_eq!(get(&server, "/hello.txt", &format!("If-Modified-Since: {stamp}\r\n")).status, 304);
}

/// RFC 9110 §13.1.1 and §13.1.4: `If-Match` (strong comparison) and
/// `If-Unmodified-Since` answer 412 when they fail; If-Unmodified-Since
/// is ignored when If-Match is present.
#[test]
fn rfc9110_13_1_1_if_match_and_if_unmodified_since_answer_412() {
    let tree = Tree::new("ifmatch");
    let server = tree.serve();
    let first = get(&server, "/hello.txt", "");
    let tag = first.header("etag").unwrap().to_string();
    assert_eq!(get(&server, "/hello.txt", &format!("If-Match: {tag}\r\n")).status, 200);
    assert_eq!(get(&server, "/hello.txt", "If-Match: *\r\n").status, 200);
    assert_eq!(get(&server, "/hello.txt", "If-Match: \"other\"\r\n").status, 412);
    assert_eq!(
        get(&server, "/hello.txt", &format!("If-Match: W/{tag}\r\n")).status,
        412,
        "weak never matches"
    );
    let old = "If-Unmodified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n";
    assert_eq!(get(&server, "/hello.txt", old).status, 412);
    assert_eq!(
        get(&server, "/hello.txt", "If-Unmodified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n").status,
        200
    );
    assert_eq!(get(&server, "/hello.txt", &format!("If-Match: {tag}\r\n{old}")).status, 200);
    assert_eq!(get(&server, "/hello.txt", "If-Unmodified-Since: garbage\r\n").status, 200);
}

/// RFC 9110 §13.1.5: `If-Range` with the current strong ETag or the exact
/// Last-Modified allows the range; anything else gets the whole file.
#[test]
fn rfc9110_13_1_5_if_range_with_tags_and_dates() {
    let tree = Tree::new("ifrange");
    let server = tree.serve();
    let first = get(&server, "/hello.txt", "");
    let tag = first.header("etag").unwrap().to_string();
    let stamp = first.header("last-modified").unwrap().to_string();
    let ranged =
        |if_range: &str| get(&server, "/hello.txt", &format!("Range: bytes=0-4\r\nIf-Range: {if_range}\r\n"));
    assert_eq!(ranged(&tag).status, 206);
    assert_eq!(ranged(&stamp).status, 206);
    assert_eq!(ranged("\"stale\"").status, 200);
    assert_eq!(ranged(&format!("W/{tag}")).status, 200);
    assert_eq!(ranged("Sat, 01 Jan 2000 00:00:00 GMT").status, 200);
}

/// RFC 9110 §12.5.3 and §8.4: precompressed siblings chosen by
/// Accept-Encoding q-values (q=0 refuses), with Vary, their own
/// Content-Length and a distinct ETag.
#[test]
fn rfc9110_12_5_3_precompressed_siblings_follow_accept_encoding() {
    let tree = Tree::new("sidecars");
    let root = tree.root();
    fs::write(root.join("app.js"), "console.log('plain');\n").unwrap();
    fs::write(root.join("app.js.gz"), "GZIP-BYTES").unwrap();
    fs::write(root.join("app.js.br"), "BROTLI").unwrap();
    fs::write(root.join("app.js.zst"), "ZSTD-B").unwrap();
    let server = tree.serve();
    let identity = get(&server, "/app.js", "");
    assert_eq!(identity.text(), "console.log('plain');\n");
    assert_eq!(identity.header("content-encoding"), None);
    let cases = [
        ("gzip, deflate, br, zstd", "br", "BROTLI"),
        ("gzip", "gzip", "GZIP-BYTES"),
        ("br;q=0.5, gzip", "gzip", "GZIP-BYTES"),
        ("br;q=0, zstd;q=0.1", "zstd", "ZSTD-B"),
        ("*", "br", "BROTLI"),
    ];
    let mut tags = vec![identity.header("etag").unwrap().to_string()];
    for (accept, coding, body) in cases {
        let response = get(&server, "/app.js", &format!("Accept-Encoding: {accept}\r\n"));
        assert_eq!(response.header("content-encoding"), Some(coding), "{accept}");
        assert_eq!(response.text(), body, "{accept}");
        assert_eq!(response.header("content-length"), Some(body.len().to_string().as_str()));
        assert_eq!(response.header("vary"), Some("Accept-Encoding"));
        assert_eq!(response.header("content-type"), Some("text/javascript"), "{accept}");
        tags.push(response.header("etag").unwrap().to_string());
    }
    tags.sort();
    tags.dedup();
    assert_eq!(tags.len(), 4, "each representation has its own tag: {tags:?}");
    for refused in ["gzip;q=0, br;q=0, zstd;q=0", "identity", "*;q=0, identity", "deflate"] {
        let response = get(&server, "/app.js", &format!("Accept-Encoding: {refused}\r\n"));
        assert_eq!(response.header("content-encoding"), None, "{refused}");
        assert_eq!(response.header("vary"), Some("Accept-Encoding"));
        assert_eq!(response.text(), "console.log('plain');\n");
    }
    let no_siblings = get(&server, "/hello.txt", "Accept-Encoding: gzip\r\n");
    assert_eq!((no_siblings.header("content-encoding"), no_siblings.header("vary")), (None, None));
}

/// RFC 9110 §12.5.5: a response whose content could have been negotiated
/// carries `Vary: Accept-Encoding` even when the request sent no
/// `Accept-Encoding` (else a shared cache hands the identity answer to a
/// client that asks for br); its 304 too. A file with nothing to
/// negotiate has none.
#[test]
fn rfc9110_12_5_5_vary_even_without_accept_encoding() {
    let tree = Tree::new("vary");
    let root = tree.root();
    fs::write(root.join("app.js"), "console.log('plain');\n").unwrap();
    fs::write(root.join("app.js.br"), "BROTLI").unwrap();
    let server = tree.serve();
    let identity = get(&server, "/app.js", "");
    assert_eq!(
        (identity.header("content-encoding"), identity.header("vary")),
        (None, Some("Accept-Encoding"))
    );
    assert_eq!(identity.text(), "console.log('plain');\n");
    let tag = identity.header("etag").unwrap().to_string();
    let revalidated = get(&server, "/app.js", &format!("If-None-Match: {tag}\r\n"));
    assert_eq!((revalidated.status, revalidated.header("vary")), (304, Some("Accept-Encoding")));
    let plain = get(&server, "/hello.txt", "");
    assert_eq!((plain.status, plain.header("vary")), (200, None));
}

/// RFC 9110 §15.5.17 and §8.4: a `416` for a precompressed sibling is a
/// text of its own: `Content-Range: bytes */LENGTH` of the sibling, and
/// no `Content-Encoding` (its body is not brotli); still `Vary`.
#[test]
fn rfc9110_15_5_17_a_416_for_a_precompressed_file_is_not_encoded() {
    let tree = Tree::new("sidecar-416");
    fs::write(tree.root().join("app.js"), "console.log('plain');\n").unwrap();
    fs::write(tree.root().join("app.js.br"), "BROTLI").unwrap();
    let server = tree.serve();
    let response = get(&server, "/app.js", "Accept-Encoding: br\r\nRange: bytes=100-\r\n");
    assert_eq!(response.status, 416);
    assert_eq!(response.header("content-range"), Some("bytes */6"));
    assert_eq!(response.header("content-encoding"), None, "{response:?}");
    assert_eq!(response.header("vary"), Some("Accept-Encoding"));
    let part = get(&server, "/app.js", "Accept-Encoding: br\r\nRange: bytes=1-2\r\n");
    assert_eq!((part.status, part.text().as_str()), (206, "RO"));
    assert_eq!(
        (part.header("content-range"), part.header("content-encoding")),
        (Some("bytes 1-2/6"), Some("br"))
    );
}

/// A sibling symlink that leaves the root is never served.
#[test]
fn a_precompressed_sibling_outside_the_root_is_ignored() {
    let tree = Tree::new("sidecar-escape");
    std::os::unix::fs::symlink(tree.dir.path().join("secret.txt"), tree.root().join("hello.txt.gz")).unwrap();
    let server = tree.serve();
    let response = get(&server, "/hello.txt", "Accept-Encoding: gzip\r\n");
    assert_eq!(response.text(), "hello, static world\n");
    assert_eq!(response.header("content-encoding"), None);
}

/// A file large enough to fill the socket buffers many times over.
fn big_file(tree: &Tree) -> Vec<u8> {
    let data: Vec<u8> =
        (0..24 * 1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    fs::write(tree.root().join("big.bin"), &data).unwrap();
    data
}

/// File bodies go by sendfile(2) and resume when the socket drains: on a
/// single-threaded server a client that does not read a 24 MiB file holds
/// no thread (another client is served meanwhile), and once it reads it
/// gets every byte. The same with sendfile off (the read/write path a TLS
/// stream takes).
#[test]
fn file_bodies_resume_on_writability_with_and_without_sendfile() {
    let tree = Tree::new("sendfile");
    let data = big_file(&tree);
    for sendfile in [true, false] {
        let http = Http::new(StaticFiles::new(tree.root()).unwrap()).sendfile(sendfile);
        let server = util::serve(
            socketserver::Server::builder(http)
                .concurrency(socketserver::SingleThread)
                .bind::<socketserver::Tcp>("127.0.0.1:0")
                .unwrap(),
        );
        let mut stalled = server.connect();
        stalled.send(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=1000-\r\n\r\n");
        // The stalled client reads nothing yet; another is answered.
        assert_eq!(get(&server, "/hello.txt", "").text(), "hello, static world\n", "sendfile {sendfile}");
        let whole = stalled.response(false);
        assert_eq!(whole.body.len(), data.len(), "sendfile {sendfile}");
        assert!(whole.body == data, "the file differs (sendfile {sendfile})");
        let tail = stalled.response(false);
        assert_eq!(tail.status, 206);
        assert!(tail.body == data[1000..], "the range differs (sendfile {sendfile})");
    }
}

/// A client that never reads a file body is closed after write_timeout,
/// while the body goes by sendfile (the timer of a blocked sendfile is
/// the write buffer's).
#[test]
fn a_file_never_read_is_cut_off_at_write_timeout() {
    let tree = Tree::new("sendfile-timeout");
    let data = big_file(&tree);
    let server = socketserver::Server::builder(Http::new(StaticFiles::new(tree.root()).unwrap()))
        .write_timeout(std::time::Duration::from_millis(200))
        .bind::<socketserver::Tcp>("127.0.0.1:0")
        .unwrap();
    let handle = server.handle().clone();
    let server = util::serve(server);
    let mut client = server.connect();
    client.send(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
    util::wait_until("the response waiting for room to write", || handle.stats().waiting == 1);
    util::wait_until("the server to give up on the client", || handle.stats().waiting == 0);
    let mut rest = Vec::new();
    let _ = std::io::Read::read_to_end(&mut client.reader, &mut rest);
    assert!(rest.len() < data.len(), "the whole file was sent to a client that did not read");
}

/// Operators' settings: Cache-Control by extension and prefix (first
/// rule wins, successful responses and 304s only), extra header fields on
/// every response, a custom 404 page, and index names tried in order.
#[test]
fn operators_settings_shape_the_responses() {
    let tree = Tree::new("operators");
    let root = tree.root();
    fs::create_dir_all(root.join("assets")).unwrap();
    fs::write(root.join("assets/site.css"), "body{}").unwrap();
    fs::write(root.join("style.css"), "p{}").unwrap();
    fs::write(root.join("sub/default.htm"), "<p>default</p>").unwrap();
    fs::write(tree.dir.path().join("404.html"), "<h1>Lost?</h1>").unwrap();
    let files = StaticFiles::new(&root)
        .unwrap()
        .cache_control("/assets/", "public, max-age=31536000, immutable")
        .unwrap()
        .cache_control("*.css", "max-age=60")
        .unwrap()
        .header("X-Content-Type-Options", "nosniff")
        .unwrap()
        .not_found_page(tree.dir.path().join("404.html"))
        .unwrap()
        .index_names(["default.htm", "index.html"])
        .unwrap();
    let server = serve_http(Http::new(files));
    let asset = get(&server, "/assets/site.css", "");
    assert_eq!(asset.header("cache-control"), Some("public, max-age=31536000, immutable"));
    assert_eq!(asset.header("x-content-type-options"), Some("nosniff"));
    let css = get(&server, "/style.css", "");
    assert_eq!(css.header("cache-control"), Some("max-age=60"));
    let tag = css.header("etag").unwrap().to_string();
    let cached = get(&server, "/style.css", &format!("If-None-Match: {tag}\r\n"));
    assert_eq!((cached.status, cached.header("cache-control")), (304, Some("max-age=60")));
    assert_eq!(get(&server, "/hello.txt", "").header("cache-control"), None);
    let missing = get(&server, "/nope.css", "");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.text(), "<h1>Lost?</h1>");
    assert_eq!(missing.header("content-type"), Some("text/html"));
    assert_eq!(missing.header("cache-control"), None, "no caching rule on an error");
    assert_eq!(missing.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(get(&server, "/sub/", "").text(), "<p>default</p>");

    assert!(StaticFiles::new(&root).unwrap().index_names(["../x"]).is_err());
    assert!(StaticFiles::new(&root).unwrap().cache_control("css", "x").is_err());
    assert!(StaticFiles::new(&root).unwrap().header("Bad Name", "x").is_err());
    assert!(StaticFiles::new(&root).unwrap().not_found_page(root.join("none.html")).is_err());
}

/// Gzip on the fly: off by default; when on, for compressible types at
/// least the minimum size, for clients accepting gzip, never for a range.
#[cfg(feature = "gzip")]
#[test]
fn gzip_on_the_fly_when_asked_and_never_for_ranges() {
    use std::io::Read;
    let tree = Tree::new("gzip");
    let text = "all work and no play makes a dull server\n".repeat(200);
    fs::write(tree.root().join("big.txt"), &text).unwrap();
    fs::write(tree.root().join("blob.bin"), &text).unwrap();
    let off = tree.serve();
    assert_eq!(get(&off, "/big.txt", "Accept-Encoding: gzip\r\n").header("content-encoding"), None);
    let server = serve_http(Http::new(StaticFiles::new(tree.root()).unwrap().gzip(Some(1024))));
    let zipped = get(&server, "/big.txt", "Accept-Encoding: gzip\r\n");
    assert_eq!(zipped.header("content-encoding"), Some("gzip"));
    assert_eq!(zipped.header("vary"), Some("Accept-Encoding"));
    assert!(zipped.header("etag").unwrap().starts_with("W/"));
    assert!(zipped.body.len() < text.len() / 10, "{} bytes", zipped.body.len());
    let mut unzipped = String::new();
    flate2::read::GzDecoder::new(&zipped.body[..]).read_to_string(&mut unzipped).unwrap();
    assert_eq!(unzipped, text);
    let ranged = get(&server, "/big.txt", "Accept-Encoding: gzip\r\nRange: bytes=0-2\r\n");
    assert_eq!(
        (ranged.status, ranged.text().as_str(), ranged.header("content-encoding")),
        (206, "all", None)
    );
    assert_eq!(get(&server, "/big.txt", "Accept-Encoding: gzip;q=0\r\n").header("content-encoding"), None);
    assert_eq!(get(&server, "/blob.bin", "Accept-Encoding: gzip\r\n").header("content-encoding"), None);
    assert_eq!(get(&server, "/hello.txt", "Accept-Encoding: gzip\r\n").header("content-encoding"), None);
    let negotiable = get(&server, "/big.txt", "");
    assert_eq!(
        (negotiable.header("content-encoding"), negotiable.header("vary")),
        (None, Some("Accept-Encoding"))
    );
}

/// A FIFO inside the root is neither waited on nor served: 403 at once.
#[test]
fn a_fifo_in_the_root_is_refused_without_blocking() {
    let tree = Tree::new("fifo");
    let fifo =
        std::ffi::CString::new(tree.root().join("pipe").into_os_string().into_encoded_bytes()).unwrap();
    // SAFETY: a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let server = tree.serve();
    assert_eq!(get(&server, "/pipe", "").status, 403);
    assert_eq!(get(&server, "/hello.txt", "").status, 200);
}

/// Over a Unix stream socket a file body goes by sendfile(2) too (its
/// descriptor is offered like a TCP one), whole and in a range.
#[test]
fn file_bodies_over_a_unix_socket() {
    use std::io::{Read, Write};
    let tree = Tree::new("unix-sendfile");
    let data = big_file(&tree);
    let dir = util::TempDir::new("static-unix");
    let path = dir.unique_path("static");
    let server = socketserver::Server::builder(Http::new(StaticFiles::new(tree.root()).unwrap()))
        .concurrency(socketserver::SingleThread)
        .bind::<socketserver::UnixStream>(path.as_path())
        .unwrap();
    let serving = util::serve(server);
    let mut client = std::os::unix::net::UnixStream::connect(&path).unwrap();
    client.set_read_timeout(Some(util::PATIENCE)).unwrap();
    client
        .write_all(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=-100000\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    client.read_to_end(&mut answer).unwrap();
    let head_end = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let first = &answer[head_end..head_end + data.len()];
    assert!(first == data.as_slice(), "the file differs over a Unix socket");
    let rest = &answer[head_end + data.len()..];
    let second_body = rest.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert!(String::from_utf8_lossy(&rest[..second_body]).starts_with("HTTP/1.1 206 "));
    assert!(rest[second_body..] == data[data.len() - 100_000..], "the range differs over a Unix socket");
    serving.shutdown();
}
