//! End to end through the binary with real clients: curl (GET, HEAD, a
//! 304, a range) and, when Debian's chromium is installed, a headless
//! screenshot of a directory listing.
//!
//! These run `socketserver serve http|static --bind 127.0.0.1:0` and read
//! the bound address from the `bound=ADDR` line the binary logs on stderr.

mod cli_util;

use cli_util::{eventually, Served, TempDir, PATIENCE};
use std::path::Path;
use std::process::{Command, Output, Stdio};

const CHROMIUM: &str = "/usr/bin/chromium";

/// `http://ADDR/PATH` of the server.
fn http_url(served: &Served, path: &str) -> String {
    format!("http://{}{path}", served.bound)
}

fn curl(args: &[&str]) -> Output {
    let output = Command::new("curl")
        .args(["--silent", "--show-error", "--max-time", "10"])
        .args(args)
        .output()
        .expect("curl is needed for this test (.ci/run installs it)");
    assert!(output.status.success(), "curl {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    output
}

fn curl_text(args: &[&str]) -> String {
    String::from_utf8(curl(args).stdout).unwrap()
}

/// A temporary directory with files, removed on drop.
fn site(name: &str) -> TempDir {
    let site = TempDir::new(name);
    std::fs::create_dir_all(site.path().join("docs")).unwrap();
    site.file("hello.txt", "hello from the static server\n");
    site.file("notes & <plans>.md", "# notes\n");
    site.file("docs/readme.txt", "docs\n");
    site
}

#[test]
fn curl_get_and_head_against_serve_http() {
    let served = Served::start(&["http", "--bind", "127.0.0.1:0"]);
    let get = curl_text(&["--include", &http_url(&served, "/")]);
    assert!(get.starts_with("HTTP/1.1 200 OK\r\n"), "{get}");
    assert!(get.contains("Hello From Server at "), "{get}");
    let head = curl_text(&["--head", &http_url(&served, "/")]);
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(head.to_ascii_lowercase().contains("content-length: "), "{head}");
    assert!(!head.contains("Hello From Server"), "HEAD sent a body: {head}");
    let missing =
        curl_text(&["--output", "/dev/null", "--write-out", "%{http_code}", &http_url(&served, "/nope")]);
    assert_eq!(missing, "404");
}

#[test]
fn curl_304_and_range_against_serve_static() {
    let site = site("curl");
    let served = Served::start(&["static", "--dir", site.path().to_str().unwrap(), "--bind", "127.0.0.1:0"]);
    let url = http_url(&served, "/hello.txt");
    assert_eq!(curl_text(&[&url]), "hello from the static server\n");

    let head = curl_text(&["--head", &url]);
    let stamp = head
        .lines()
        .find_map(|line| {
            line.strip_prefix("Last-Modified: ").or_else(|| line.strip_prefix("last-modified: "))
        })
        .unwrap_or_else(|| panic!("no Last-Modified in {head}"))
        .trim()
        .to_string();
    let since = format!("If-Modified-Since: {stamp}");
    let cached =
        curl_text(&["--output", "/dev/null", "--write-out", "%{http_code}", "--header", &since, &url]);
    assert_eq!(cached, "304");

    let part = curl(&["--range", "0-4", "--write-out", " %{http_code}", &url]);
    assert_eq!(String::from_utf8(part.stdout).unwrap(), "hello 206");

    let outside = curl_text(&[
        "--path-as-is",
        "--output",
        "/dev/null",
        "--write-out",
        "%{http_code}",
        &http_url(&served, "/../etc/passwd"),
    ]);
    assert!(outside == "403" || outside == "404", "a path outside the root answered {outside}");
}

/// The operator's flags through curl: a Cache-Control rule, an extra
/// header, a custom 404 page, gzip on the fly (curl --compressed), a
/// precompressed sibling, index names.
#[test]
fn curl_sees_the_static_flags() {
    let site = site("flags");
    let text = "a line of text worth compressing\n".repeat(100);
    std::fs::write(site.path().join("big.txt"), &text).unwrap();
    std::fs::write(site.path().join("docs/start.html"), "<p>start</p>").unwrap();
    std::fs::write(site.path().join("app.js"), "plain").unwrap();
    std::fs::write(site.path().join("app.js.br"), "BROTLI").unwrap();
    let page = site.path().join("missing.html");
    std::fs::write(&page, "<h1>not here</h1>").unwrap();
    let served = Served::start(&[
        "static",
        "--dir",
        site.path().to_str().unwrap(),
        "--bind",
        "127.0.0.1:0",
        "--cache-control",
        "*.txt=max-age=60",
        "--header",
        "X-Frame-Options: DENY",
        "--not-found-page",
        page.to_str().unwrap(),
        "--gzip",
        "--index",
        "start.html,index.html",
    ]);
    let head =
        curl_text(&["--include", "--output", "-", &http_url(&served, "/hello.txt")]).to_ascii_lowercase();
    assert!(head.contains("cache-control: max-age=60\r\n"), "{head}");
    assert!(head.contains("x-frame-options: deny\r\n"), "{head}");
    assert!(head.contains("etag: \""), "{head}");
    let missing = curl(&["--write-out", " %{http_code}", &http_url(&served, "/nope")]);
    assert_eq!(String::from_utf8(missing.stdout).unwrap(), "<h1>not here</h1> 404");
    let zipped = curl(&[
        "--compressed",
        "--write-out",
        "%{size_download}",
        "--output",
        "/dev/null",
        &http_url(&served, "/big.txt"),
    ]);
    let size: usize = String::from_utf8(zipped.stdout).unwrap().parse().unwrap();
    assert!(size < text.len() / 10, "gzip on the fly sent {size} bytes for {}", text.len());
    assert_eq!(curl_text(&["--compressed", &http_url(&served, "/big.txt")]), text);
    let br = curl_text(&["--header", "Accept-Encoding: br", &http_url(&served, "/app.js")]);
    assert_eq!(br, "BROTLI");
    assert_eq!(curl_text(&[&http_url(&served, "/docs/")]), "<p>start</p>");
}

/// The listing as a browser renders it: headless chromium's DOM holds
/// every name, sorted ignoring case, with sizes and dates, and the page
/// offers a dark scheme.
#[test]
fn chromium_renders_a_usable_listing() {
    if !Path::new(CHROMIUM).exists() {
        println!("skipped: {CHROMIUM} is not installed, so the listing was not rendered");
        return;
    }
    let site = site("chromium-dom");
    std::fs::write(site.path().join("Zebra.txt"), "z").unwrap();
    std::fs::write(site.path().join("apple.bin"), vec![0u8; 1536]).unwrap();
    let served = Served::start(&["static", "--dir", site.path().to_str().unwrap(), "--bind", "127.0.0.1:0"]);
    let scratch = TempDir::new("chromium-dom-profile");
    let profile = scratch.path().join("profile");
    let mut chromium = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(http_url(&served, "/"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot run chromium");
    let mut stdout = chromium.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut dom = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut dom);
        dom
    });
    // Chromium has no timeout flag of its own: bounded polling, then a kill.
    let finished =
        eventually(PATIENCE * 6, || chromium.try_wait().expect("cannot wait for chromium").is_some());
    if !finished {
        let _ = chromium.kill();
        let _ = chromium.wait();
    }
    assert!(finished, "chromium did not finish within {:?}", PATIENCE * 6);
    let dom = reader.join().unwrap();
    let rows: Vec<String> = dom
        .split("<tr>")
        .skip(2)
        .map(|row| {
            let mut text = String::new();
            let mut in_tag = false;
            for c in row.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => {
                        in_tag = false;
                        text.push('|');
                    }
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text.split('|').filter(|cell| !cell.trim().is_empty()).collect::<Vec<_>>().join(" | ")
        })
        .collect();
    let names: Vec<&str> = rows.iter().map(|row| row.split(" | ").next().unwrap_or("")).collect();
    assert_eq!(
        names,
        ["apple.bin", "docs/", "hello.txt", "notes &amp; &lt;plans&gt;.md", "Zebra.txt"],
        "the rendered listing:\n{dom}"
    );
    assert!(rows[0].contains("1.5 KiB"), "{}", rows[0]);
    assert!(rows[2].contains("29 B"), "{}", rows[2]);
    let year = chrono_year();
    assert!(rows[2].contains(&format!(" | {year}-")), "no date in {}", rows[2]);
    assert!(dom.contains("Directory listing for /"), "{dom}");
    assert!(dom.contains("prefers-color-scheme: dark"), "no dark scheme in {dom}");
}

/// The current year, UTC, from the system clock.
fn chrono_year() -> u64 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    // Days to civil year (Howard Hinnant's algorithm), enough for a check.
    let days = secs / 86_400 + 719_468;
    let era = days / 146_097;
    let doe = days - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let month = (5 * doy + 2) / 153;
    yoe + era * 400 + u64::from(month >= 10)
}

#[test]
fn chromium_screenshots_a_directory_listing() {
    if !Path::new(CHROMIUM).exists() {
        println!("skipped: {CHROMIUM} is not installed, so no screenshot of the listing was taken");
        return;
    }
    let site = site("chromium");
    let served = Served::start(&["static", "--dir", site.path().to_str().unwrap(), "--bind", "127.0.0.1:0"]);
    let profile = site.path().join("chromium-profile");
    let shot = std::env::temp_dir().join(format!("http-listing-{}.png", std::process::id()));
    let _ = std::fs::remove_file(&shot);
    let mut chromium = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(http_url(&served, "/"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot run chromium");
    // Chromium has no timeout flag of its own: bounded polling, then a kill.
    let finished =
        eventually(PATIENCE * 6, || chromium.try_wait().expect("cannot wait for chromium").is_some());
    if !finished {
        let _ = chromium.kill();
        let _ = chromium.wait();
    }
    assert!(finished, "chromium did not finish within {:?}", PATIENCE * 6);
    let png = std::fs::read(&shot).unwrap_or_else(|err| panic!("chromium wrote no screenshot: {err}"));
    assert!(png.len() > 8 && png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG ({} bytes)", png.len());
    println!("listing screenshot: {} ({} bytes)", shot.display(), png.len());
}
