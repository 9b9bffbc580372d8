//! `socketserver bench` in each of its modes for about a second against
//! the bundled servers, each started here with `socketserver serve`: the
//! run exits 0, its JSON report has its fields, some answers came back
//! and none was wrong, and an attack's counts are reported. Smoke tests of
//! the load generator, not benchmarks: no figure is asserted beyond
//! "some correct answers".

mod cli_util;

use cli_util::Served;
use std::process::Command;

/// Runs the built binary's `bench --json --quiet` with `args` against
/// `served`, checks it exited 0 and returns its report.
fn bench(served: &Served, args: &[&str]) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_socketserver"))
        .args(["bench", "--addr", &served.bound, "--json", "--quiet", "--duration", "1s"])
        .args(args)
        .output()
        .expect("the socketserver binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "bench {args:?} failed: {stderr}");
    serde_json::from_slice(&output.stdout).expect("bench --json prints JSON")
}

fn field<'a>(json: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    path.split('.').fold(json, |value, key| &value[key])
}

/// Some correct answers, no wrong one.
fn assert_answered(json: &serde_json::Value) {
    assert!(json["requests"].as_u64().unwrap() > 0, "{json}");
    assert_eq!(json["wrong"], 0, "{json}");
}

#[test]
fn echo_reports_every_field_and_no_wrong_answer() {
    let served = Served::start(&["echo", "--bind", "127.0.0.1:0"]);
    let json = bench(&served, &["--conns", "4", "--size", "64", "--idle", "3"]);
    for key in [
        "mode",
        "request",
        "addr",
        "conns",
        "threads",
        "per_request",
        "idle_requested",
        "idle_open",
        "duration_s",
        "warmup_s",
        "requests",
        "req_per_s",
        "errors",
        "wrong",
        "first_error",
        "latency_us.p50",
        "latency_us.p99",
        "latency_us.p999",
        "latency_us.max",
        "latency_us.mean",
        "attack.slow",
        "attack.slow_read",
    ] {
        assert!(!field(&json, key).is_null() || key == "first_error", "no `{key}` in {json}");
    }
    assert_eq!(json["mode"], "echo");
    assert_eq!(json["conns"], 4);
    assert_eq!(json["idle_open"], 3);
    assert_eq!(json["errors"], 0, "{json}");
    assert_answered(&json);
    let p50 = field(&json, "latency_us.p50").as_f64().unwrap();
    let max = field(&json, "latency_us.max").as_f64().unwrap();
    assert!(p50 > 0.0 && p50 <= max, "{json}");
    served.stop_cleanly();
}

#[test]
fn large_echo_blocks_over_two_event_loops() {
    let served = Served::start(&["echo", "--bind", "127.0.0.1:0"]);
    let json = bench(&served, &["--conns", "4", "--threads", "2", "--size", "200000"]);
    assert_eq!(json["threads"], 2);
    assert_answered(&json);
    served.stop_cleanly();
}

#[test]
fn lines_to_the_address_book() {
    let served = Served::start(&["address-book", "--bind", "127.0.0.1:0"]);
    let json = bench(&served, &["--mode", "line", "--message", "John", "--expect", "C45", "--conns", "4"]);
    assert_eq!(json["mode"], "line");
    assert_answered(&json);
    served.stop_cleanly();
}

#[test]
fn datagrams_to_the_ack_server() {
    let served = Served::start(&["ack", "--transport", "udp", "--bind", "127.0.0.1:0"]);
    let json =
        bench(&served, &["--mode", "udp", "--message", "hello", "--expect", "OK...hello", "--conns", "4"]);
    assert_eq!(json["mode"], "udp");
    assert_answered(&json);
    served.stop_cleanly();
}

#[test]
fn http_keep_alive_to_the_hello_server() {
    let served = Served::start(&["http", "--bind", "127.0.0.1:0"]);
    let json = bench(&served, &["--mode", "http", "--conns", "4"]);
    assert_eq!(json["mode"], "http");
    assert_answered(&json);
    served.stop_cleanly();
}

#[test]
fn per_request_opens_a_connection_each_time() {
    let served = Served::start(&["echo", "--bind", "127.0.0.1:0"]);
    let json = bench(&served, &["--conns", "2", "--per-request"]);
    assert_eq!(json["per_request"], true);
    assert_answered(&json);
    let http = Served::start(&["http", "--bind", "127.0.0.1:0"]);
    let json = bench(&http, &["--mode", "http", "--conns", "2", "--per-request"]);
    assert_answered(&json);
    served.stop_cleanly();
    http.stop_cleanly();
}

#[test]
fn slow_clients_are_held_while_the_others_are_measured() {
    let served = Served::start(&["http", "--bind", "127.0.0.1:0"]);
    let json = bench(&served, &["--mode", "http", "--conns", "2", "--slow", "3", "--slow-interval", "100ms"]);
    assert_answered(&json);
    assert_eq!(field(&json, "attack.slow"), 3, "{json}");
    assert!(field(&json, "attack.slow_bytes").as_u64().unwrap() > 0, "{json}");
    for key in ["attack.slow_open", "attack.slow_closed", "latency_us.p99"] {
        assert!(field(&json, key).is_number(), "no `{key}` in {json}");
    }
    served.stop();
}

#[test]
fn slow_readers_pipeline_without_reading() {
    let served = Served::start(&["echo", "--bind", "127.0.0.1:0"]);
    let json = bench(&served, &["--conns", "2", "--slow-read", "2"]);
    assert_answered(&json);
    assert_eq!(field(&json, "attack.slow_read"), 2, "{json}");
    assert!(field(&json, "attack.slow_read_bytes").as_u64().unwrap() > 0, "{json}");
    for key in ["attack.slow_read_open", "attack.slow_read_closed"] {
        assert!(field(&json, key).is_number(), "no `{key}` in {json}");
    }
    served.stop();
}

#[test]
fn bad_flags_are_refused_with_status_2() {
    let refused = |args: &[&str], says: &str| {
        let output =
            Command::new(env!("CARGO_BIN_EXE_socketserver")).arg("bench").args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    };
    refused(&["--addr", "127.0.0.1:1", "--duration", "soon"], "not a duration");
    refused(&["--duration", "1s"], "--addr");
    refused(&["--addr", "127.0.0.1:1", "--mode", "udp", "--slow", "1"], "--slow");
    refused(&["--addr", "127.0.0.1:1", "--threads", "0"], "--threads");
}

#[test]
fn a_pipeline_flood_is_reported_window_by_window_with_a_fresh_client() {
    let refused = |args: &[&str], says: &str| {
        let output =
            Command::new(env!("CARGO_BIN_EXE_socketserver")).arg("bench").args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    };
    let addr = ["--addr", "127.0.0.1:1", "--mode", "http"];
    refused(&[&addr[..], &["--pipeline-flood", "many"]].concat(), "from 0 to 10000");
    refused(&[&addr[..], &["--pipeline-flood", "10001"]].concat(), "from 0 to 10000");
    refused(&[&addr[..], &["--rotate", "2s"]].concat(), "add --pipeline-flood");
    refused(&[&addr[..], &["--stall", "2s"]].concat(), "add --pipeline-flood");
    refused(&[&addr[..], &["--pipeline-flood", "1", "--rotate", "0s"]].concat(), "at least 10ms");
    refused(&[&addr[..], &["--duration", "2s", "--windows", "5s"]].concat(), "longer than --duration");
    refused(&["--addr", "127.0.0.1:1", "--mode", "udp", "--pipeline-flood", "1"], "--pipeline-flood");

    // The server may or may not answer the two clients while it is
    // flooded: bench then exits 1, its report printed all the same.
    let served = Served::start(&["http", "--bind", "127.0.0.1:0", "--no-access-log"]);
    let output = Command::new(env!("CARGO_BIN_EXE_socketserver"))
        .args(["bench", "--addr", &served.bound, "--quiet", "--mode", "http", "--conns", "2"])
        .args(["--duration", "2s", "--windows", "1s", "--pipeline-flood", "4", "--rotate", "500ms"])
        .output()
        .expect("the socketserver binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(matches!(output.status.code(), Some(0 | 1)), "{:?}: {stdout}{stderr}", output.status);
    assert!(stdout.contains("  flood     4 connections pipelining unread"), "{stdout}");
    let header = stdout.lines().find(|line| line.trim_start().starts_with("window ")).unwrap_or_else(|| {
        panic!("no windows table: {stdout}");
    });
    for column in ["requests", "req/s", "p99", "fresh"] {
        assert!(header.contains(column), "no `{column}` column: {stdout}");
    }
    for window in ["0.0-1.0s", "1.0-2.0s"] {
        assert!(
            stdout.lines().any(|line| line.trim_start().starts_with(window)),
            "no {window} row: {stdout}"
        );
    }
    assert!(stdout.contains("  fresh     a new client was served within the second in "), "{stdout}");
    assert!(stdout.contains(" of 2 seconds ("), "{stdout}");
    served.stop();
}
