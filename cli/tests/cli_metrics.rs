//! `serve --metrics`: the Prometheus endpoint on its own listener, its
//! text checked by `promtool check metrics` and scraped by a real
//! Prometheus (both from Debian's `prometheus` package, which `.ci/run`
//! installs; the checks skip, saying so, without it); under
//! `--processes` the supervisor's endpoint covers every child. And
//! `--log-format json`: every line is one JSON object.

mod cli_util;

use cli_util::http_client::{exchange, Response};
use cli_util::{eventually, wait_until, Served, TempDir, PATIENCE};
use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// `GET path` on a new connection.
fn get(addr: SocketAddr, path: &str) -> Response {
    exchange(addr, format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").as_bytes())
}

/// The endpoint's address from the line `... at http://ADDR/metrics`.
fn metrics_addr(served: &mut Served) -> SocketAddr {
    let line = served
        .logged(PATIENCE, |line| line.contains("/metrics") && line.contains("at http://"))
        .unwrap_or_else(|| panic!("no metrics line; log:\n{}", served.log()));
    let start = line.find("http://").unwrap() + "http://".len();
    line[start..].split('/').next().unwrap().parse().unwrap()
}

/// The value of the sample line that starts with `sample ` in `text`.
fn value(text: &str, sample: &str) -> Option<u64> {
    text.lines().find_map(|line| line.strip_prefix(sample)?.strip_prefix(' ')?.parse().ok())
}

/// Runs `promtool check metrics` on `text`, if promtool is installed.
fn promtool_accepts(text: &str) {
    let spawned = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = spawned else {
        return eprintln!(
            "skipping promtool check metrics: promtool is not installed (Debian package `prometheus`)"
        );
    };
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && said.trim().is_empty(), "promtool check metrics: {said}\n{text}");
}

#[test]
fn the_endpoint_counts_traffic_and_promtool_accepts_it() {
    let mut served = Served::start(&["http", "--bind", "127.0.0.1:0", "--metrics", "127.0.0.1:0"]);
    let (metrics, addr) = (metrics_addr(&mut served), served.bound.parse().unwrap());
    assert_ne!(metrics, addr);
    for path in ["/", "/", "/"] {
        assert_eq!(get(addr, path).status, 200);
    }
    let ok = "socketserver_http_responses_total{handler=\"http\",code=\"2xx\"}";
    let mut text = String::new();
    wait_until("three 2xx responses counted", || {
        text = get(metrics, "/metrics").text();
        value(&text, ok) == Some(3)
    });
    assert_eq!(value(&text, "socketserver_connections_accepted_total{handler=\"http\"}"), Some(3));
    assert_eq!(value(&text, "socketserver_request_duration_seconds_count{handler=\"http\"}"), Some(3));
    let response = get(metrics, "/metrics");
    assert_eq!(response.header("content-type"), Some("text/plain; version=0.0.4; charset=utf-8"));
    assert_eq!(get(metrics, "/other").status, 404);
    promtool_accepts(&text);
    served.stop_cleanly();
}

#[test]
fn under_processes_the_supervisor_serves_every_child_labelled() {
    let args = ["http", "--bind", "127.0.0.1:0", "--processes", "2", "--metrics", "127.0.0.1:0"];
    let mut served = Served::start(&args);
    let metrics = metrics_addr(&mut served);
    served.logged(PATIENCE, |line| line.contains("all 2 children ready")).expect("both children ready");
    let addr = served.bound.parse().unwrap();
    for _ in 0..4 {
        assert_eq!(get(addr, "/").status, 200);
    }
    let ok = |child: u32| {
        format!("socketserver_http_responses_total{{handler=\"http\",child=\"{child}\",code=\"2xx\"}}")
    };
    let mut text = String::new();
    wait_until("both children's 2xx responses adding up to 4", || {
        text = get(metrics, "/metrics").text();
        matches!((value(&text, &ok(1)), value(&text, &ok(2))), (Some(a), Some(b)) if a + b == 4)
    });
    assert_eq!(text.matches("# TYPE socketserver_http_responses_total counter").count(), 1, "{text}");
    promtool_accepts(&text);
    served.stop_cleanly_supervised();
}

#[test]
fn json_log_lines_parse() {
    let args = ["http", "--bind", "127.0.0.1:0", "--log-format", "json"];
    let served = Served::start(&args);
    let addr = served.bound.parse().unwrap();
    assert_eq!(get(addr, "/missing").status, 404);
    let log = served.stop_cleanly();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}")))
        .collect();
    for line in &lines {
        for key in ["time", "level", "target", "message"] {
            assert!(line[key].is_string(), "no {key}: {line}");
        }
    }
    let access =
        lines.iter().find(|line| line["target"] == "socketserver::http::access_log").expect("an access line");
    assert_eq!(access["method"], "GET");
    assert_eq!(access["path"], "/missing");
    assert_eq!(access["status"], 404);
    assert!(access["client"].as_str().unwrap().starts_with("127.0.0.1:"), "{access}");
    assert!(access["bytes"].as_u64().unwrap() > 0, "{access}");
    assert!(access["duration"].as_f64().unwrap() >= 0.0, "{access}");
}

/// A Prometheus server, killed on drop.
struct Prometheus(Child);

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port free a moment ago, for a server that cannot report its own.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn a_real_prometheus_scrapes_the_endpoint() {
    if Command::new("prometheus").arg("--version").output().is_err() {
        return eprintln!(
            "skipping the Prometheus scrape: prometheus is not installed (Debian package `prometheus`)"
        );
    }
    let mut served = Served::start(&["http", "--bind", "127.0.0.1:0", "--metrics", "127.0.0.1:0"]);
    let metrics = metrics_addr(&mut served);
    let dir = TempDir::new("prometheus");
    let config = dir.path().join("prometheus.yml");
    let scrape = format!(
        "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: socketserver\n    static_configs:\n      - targets: ['{metrics}']\n"
    );
    std::fs::write(&config, scrape).unwrap();
    let web: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let prometheus = Command::new("prometheus")
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.tsdb.path={}", dir.path().join("data").display()))
        .arg(format!("--web.listen-address={web}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _prometheus = Prometheus(prometheus);
    let query = "GET /api/v1/query?query=up HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";
    let up = eventually(Duration::from_secs(60), || {
        let Ok(stream) = std::net::TcpStream::connect(web) else { return false };
        drop(stream);
        let body = exchange(web, query.as_bytes()).text();
        body.contains("\"job\":\"socketserver\"") && body.contains("\"1\"]")
    });
    assert!(up, "Prometheus never saw the endpoint up (up == 1) within 60s");
    served.stop_cleanly();
}
