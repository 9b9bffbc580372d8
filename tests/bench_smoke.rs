//! `socketserver bench` for about a second against an in-process echo
//! server: the JSON report has its fields, and every answer was right.
//! A smoke test of the load generator, not a benchmark: no figure is
//! asserted beyond "some correct answers".

use socketserver::handlers::Echo;
use socketserver::{Server, Tcp};
use std::net::SocketAddr;
use std::process::Command;
use std::sync::Arc;

/// Runs the built binary's `bench` with `args` against `addr`.
fn bench(addr: SocketAddr, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_socketserver"))
        .args(["bench", "--addr", &addr.to_string(), "--json", "--quiet"])
        .args(args)
        .output()
        .expect("the socketserver binary runs")
}

fn field<'a>(json: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    path.split('.').fold(json, |value, key| &value[key])
}

#[test]
fn bench_reports_json_with_no_wrong_answers() {
    let server = Server::builder(Echo::messages()).bind::<Tcp>("127.0.0.1:0").unwrap();
    let addr = server.local_addr().as_inet().unwrap();
    let stop = server.shutdown_handle();
    let serving = std::thread::spawn(move || server.serve_forever());

    let output = bench(addr, &["--conns", "4", "--duration", "1s", "--size", "64", "--idle", "3"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "bench failed: {stderr}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("bench --json prints JSON");

    for key in [
        "mode",
        "request",
        "addr",
        "conns",
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
    ] {
        assert!(!field(&json, key).is_null() || key == "first_error", "no `{key}` in {json}");
    }
    assert_eq!(json["mode"], "echo");
    assert_eq!(json["conns"], 4);
    assert_eq!(json["idle_open"], 3);
    assert_eq!(json["wrong"], 0, "{json}");
    assert_eq!(json["errors"], 0, "{json}");
    assert!(json["requests"].as_u64().unwrap() > 0, "{json}");
    let p50 = field(&json, "latency_us.p50").as_f64().unwrap();
    let max = field(&json, "latency_us.max").as_f64().unwrap();
    assert!(p50 > 0.0 && p50 <= max, "{json}");

    stop.shutdown();
    serving.join().unwrap().unwrap();
}

#[test]
fn bench_per_request_opens_a_connection_each_time() {
    let server = Arc::new(Server::builder(Echo::messages()).bind::<Tcp>("127.0.0.1:0").unwrap());
    let addr = server.local_addr().as_inet().unwrap();
    let serving = std::thread::spawn({
        let server = server.clone();
        move || server.serve_forever()
    });

    let output = bench(addr, &["--conns", "2", "--duration", "500ms", "--per-request"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let requests = json["requests"].as_u64().unwrap();
    assert!(requests > 0 && json["wrong"] == 0, "{json}");
    assert_eq!(json["per_request"], true);

    server.shutdown_handle().shutdown();
    serving.join().unwrap().unwrap();
    assert!(
        server.stats().served >= requests,
        "{} connections served, {requests} requests",
        server.stats().served
    );
}

#[test]
fn bad_flags_are_refused_with_status_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_socketserver"))
        .args(["bench", "--addr", "127.0.0.1:1", "--duration", "soon"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a duration"));

    let output = Command::new(env!("CARGO_BIN_EXE_socketserver"))
        .args(["bench", "--duration", "1s"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--addr"));
}
