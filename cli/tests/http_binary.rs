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
