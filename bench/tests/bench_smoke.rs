//! `socketserver-bench` in each of its modes for about a second against
//! the bundled servers, each served here on a thread by the library (the
//! same handlers `socketserver serve` runs): the run exits 0, its JSON
//! report has its fields, some answers came back and none was wrong, and
//! an attack's counts are reported. Smoke tests of the load generator,
//! not benchmarks: no figure is asserted beyond "some correct answers".

// The library tests' server on a thread and their patience, by path.
#[allow(dead_code)]
#[path = "../../tests/util/patience.rs"]
mod patience;
#[allow(dead_code)]
#[path = "../../tests/util/serving.rs"]
mod serving;

use patience::PROMPT;
use serving::{serve, Serving, LOCAL};
use socketserver::handlers::{Ack, AddressBook, Echo, Hello};
use socketserver::http::Http;
use socketserver::{Concurrency, Messages, RequestHandler, Server, Tcp, ThreadPool, Transport, Udp};
use std::process::{Command, Output};

/// Serves `handler` over `T` on 127.0.0.1 with a pool of four threads.
fn start<T: Transport, H: RequestHandler<T::Request>>(handler: H) -> Serving<T, ThreadPool, H> {
    serve(Server::builder(handler).concurrency(ThreadPool::new(4)).bind::<T>(LOCAL).expect("cannot bind"))
}

/// The address `bench --addr` takes.
fn addr<T: Transport, C: Concurrency, H: RequestHandler<T::Request>>(serving: &Serving<T, C, H>) -> String {
    serving.inet().to_string()
}

/// Runs the built binary with `args`.
fn run_bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_socketserver-bench")).args(args).output().expect("the bench binary runs")
}

/// Runs `--json --quiet` with `args` against `addr`, checks it exited 0
/// and returns its report.
fn bench(addr: &str, args: &[&str]) -> serde_json::Value {
    let output = run_bench(&[&["--addr", addr, "--json", "--quiet", "--duration", "1s"], args].concat());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "bench {args:?} failed: {stderr}");
    serde_json::from_slice(&output.stdout).expect("bench --json prints JSON")
}

/// Checks that `args` are refused with status 2 and a message containing `says`.
fn refused(args: &[&str], says: &str) {
    let output = run_bench(args);
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(says), "{args:?}: {stderr}");
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
    let served = start::<Tcp, _>(Echo::messages());
    let json = bench(&addr(&served), &["--conns", "4", "--size", "64", "--idle", "3"]);
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
    served.stop_within(PROMPT);
}

#[test]
fn large_echo_blocks_over_two_event_loops() {
    let served = start::<Tcp, _>(Echo::messages());
    let json = bench(&addr(&served), &["--conns", "4", "--threads", "2", "--size", "200000"]);
    assert_eq!(json["threads"], 2);
    assert_answered(&json);
    served.stop_within(PROMPT);
}

#[test]
fn lines_to_the_address_book() {
    let served = start::<Tcp, _>(Messages::new(AddressBook::default()));
    let json =
        bench(&addr(&served), &["--mode", "line", "--message", "John", "--expect", "C45", "--conns", "4"]);
    assert_eq!(json["mode"], "line");
    assert_answered(&json);
    served.stop_within(PROMPT);
}

#[test]
fn datagrams_to_the_ack_server() {
    let served = start::<Udp, _>(Messages::new(Ack));
    let json = bench(
        &addr(&served),
        &["--mode", "udp", "--message", "hello", "--expect", "OK...hello", "--conns", "4"],
    );
    assert_eq!(json["mode"], "udp");
    assert_answered(&json);
    served.stop_within(PROMPT);
}

#[test]
fn http_keep_alive_to_the_hello_server() {
    let served = start::<Tcp, _>(Http::new(Hello));
    let json = bench(&addr(&served), &["--mode", "http", "--conns", "4"]);
    assert_eq!(json["mode"], "http");
    assert_answered(&json);
    served.stop_within(PROMPT);
}

#[test]
fn per_request_opens_a_connection_each_time() {
    let served = start::<Tcp, _>(Echo::messages());
    let json = bench(&addr(&served), &["--conns", "2", "--per-request"]);
    assert_eq!(json["per_request"], true);
    assert_answered(&json);
    let http = start::<Tcp, _>(Http::new(Hello));
    let json = bench(&addr(&http), &["--mode", "http", "--conns", "2", "--per-request"]);
    assert_answered(&json);
    served.stop_within(PROMPT);
    http.stop_within(PROMPT);
}

#[test]
fn slow_clients_are_held_while_the_others_are_measured() {
    let served = start::<Tcp, _>(Http::new(Hello));
    let json =
        bench(&addr(&served), &["--mode", "http", "--conns", "2", "--slow", "3", "--slow-interval", "100ms"]);
    assert_answered(&json);
    assert_eq!(field(&json, "attack.slow"), 3, "{json}");
    assert!(field(&json, "attack.slow_bytes").as_u64().unwrap() > 0, "{json}");
    for key in ["attack.slow_open", "attack.slow_closed", "latency_us.p99"] {
        assert!(field(&json, key).is_number(), "no `{key}` in {json}");
    }
    drop(served);
}

#[test]
fn slow_readers_pipeline_without_reading() {
    let served = start::<Tcp, _>(Echo::messages());
    let json = bench(&addr(&served), &["--conns", "2", "--slow-read", "2"]);
    assert_answered(&json);
    assert_eq!(field(&json, "attack.slow_read"), 2, "{json}");
    assert!(field(&json, "attack.slow_read_bytes").as_u64().unwrap() > 0, "{json}");
    for key in ["attack.slow_read_open", "attack.slow_read_closed"] {
        assert!(field(&json, key).is_number(), "no `{key}` in {json}");
    }
    drop(served);
}

#[test]
fn bad_flags_are_refused_with_status_2() {
    refused(&["--addr", "127.0.0.1:1", "--duration", "soon"], "not a duration");
    refused(&["--duration", "1s"], "--addr");
    refused(&["--addr", "127.0.0.1:1", "--mode", "udp", "--slow", "1"], "--slow");
    refused(&["--addr", "127.0.0.1:1", "--threads", "0"], "--threads");
}

#[test]
fn a_pipeline_flood_is_reported_window_by_window_with_a_fresh_client() {
    let http = ["--addr", "127.0.0.1:1", "--mode", "http"];
    refused(&[&http[..], &["--pipeline-flood", "many"]].concat(), "from 0 to 10000");
    refused(&[&http[..], &["--pipeline-flood", "10001"]].concat(), "from 0 to 10000");
    refused(&[&http[..], &["--rotate", "2s"]].concat(), "add --pipeline-flood");
    refused(&[&http[..], &["--stall", "2s"]].concat(), "add --pipeline-flood");
    refused(&[&http[..], &["--pipeline-flood", "1", "--rotate", "0s"]].concat(), "at least 10ms");
    refused(&[&http[..], &["--duration", "2s", "--windows", "5s"]].concat(), "longer than --duration");
    refused(&["--addr", "127.0.0.1:1", "--mode", "udp", "--pipeline-flood", "1"], "--pipeline-flood");

    // The server may or may not answer the two clients while it is
    // flooded: the bench then exits 1, its report printed all the same.
    let served = start::<Tcp, _>(Http::new(Hello));
    let output = run_bench(
        &[
            &["--addr", &addr(&served), "--quiet", "--mode", "http", "--conns", "2"][..],
            &["--duration", "2s", "--windows", "1s", "--pipeline-flood", "4", "--rotate", "500ms"],
        ]
        .concat(),
    );
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
    drop(served);
}
