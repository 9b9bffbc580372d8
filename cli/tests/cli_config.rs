//! Strategies switched by flag and by config file give the same answers;
//! flags override the file.

mod cli_util;

use cli_util::{Served, TempDir};
use std::io::{BufRead, BufReader, Write};
use std::thread;

const CONFIG: &str = r#"
handler = "address-book"
bind = "127.0.0.1:0"
workers = 2
queue = 4
overload = "wait"
log_level = "debug"

[limits]
read_timeout = "5s"
idle_timeout = "10s"
max_connections = 64
"#;

/// Four clients at once, each asking every name; their replies.
fn answers(server: &Served) -> Vec<Vec<String>> {
    let names = ["John", "denise", "PHOEBE", "adam", "nobody"];
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let mut conn = server.tcp();
            thread::spawn(move || {
                let batch: String = names.iter().map(|n| format!("{n}\n")).collect();
                conn.write_all(batch.as_bytes()).unwrap();
                BufReader::new(conn).lines().take(names.len()).map(Result::unwrap).collect::<Vec<_>>()
            })
        })
        .collect();
    clients.into_iter().map(|client| client.join().unwrap()).collect()
}

#[test]
fn the_same_config_with_each_strategy_gives_the_same_answers() {
    let dir = TempDir::new("cli");
    let config = dir.file("strategies.toml", CONFIG);
    let path = config.to_str().unwrap();
    let expected = vec!["C45", "C44", "D52", "B23", "UNKNOWN NAME: nobody"];
    for (strategy, described) in [
        ("single", "strategy=single"),
        ("threads", "strategy=threads"),
        ("pool", "strategy=pool (2 workers, queue 4, wait)"),
    ] {
        let server = Served::start(&["--config", path, "--concurrency", strategy]);
        for replies in answers(&server) {
            assert_eq!(replies, expected, "{strategy}");
        }
        let log = server.stop_cleanly();
        assert!(log.contains(described), "{strategy}: {log}");
        assert!(log.contains("serving address-book transport=tcp"), "{log}");
    }
}

#[test]
fn the_strategy_can_come_from_the_file_and_flags_override_it() {
    let dir = TempDir::new("cli");
    let from_file = dir.file("threads.toml", &format!("concurrency = \"threads\"\n{CONFIG}"));
    let path = from_file.to_str().unwrap();
    let server = Served::start(&["--config", path]);
    assert_eq!(answers(&server)[0][0], "C45");
    let log = server.stop_cleanly();
    assert!(log.contains("strategy=threads"), "{log}");
    // The handler named on the command line wins over the file's, as do
    // the strategy and workers.
    let server = Served::start(&["reverse", "--config", path, "--concurrency", "pool", "--workers", "3"]);
    let log = server.stop_cleanly();
    assert!(log.contains("serving reverse transport=tcp"), "{log}");
    assert!(log.contains("strategy=pool (3 workers, queue 4, wait)"), "{log}");
}

#[test]
fn the_example_config_file_is_valid_and_documents_every_key() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../socketserver.example.toml");
    let server = Served::start(&["--config", example, "--bind", "127.0.0.1:0"]);
    assert_eq!(answers(&server)[0][0], "C45");
    let log = server.stop_cleanly();
    assert!(log.contains("serving address-book transport=tcp"), "{log}");
    assert!(log.contains("strategy=pool (8 workers, queue 32, wait)"), "{log}");
    let text = std::fs::read_to_string(example).unwrap();
    let keys = [
        "handler",
        "bind",
        "transport",
        "concurrency",
        "workers",
        "queue",
        "overload",
        "log_level",
        "data",
        "dir",
        "tls_cert",
        "tls_key",
        "tls_handshake_timeout",
        "index",
        "cache_control",
        "headers",
        "not_found_page",
        "gzip",
        "precompressed",
        "sendfile",
        "[limits]",
        "max_connections",
        "read_timeout",
        "idle_timeout",
        "write_timeout",
        "max_message_size",
        "drain_timeout",
        "backlog",
        "reuse_address",
        "reuse_port",
        "ipv6_only",
        "nodelay",
    ];
    for key in keys {
        assert!(
            text.lines().any(|line| line.trim_start_matches("# ").starts_with(key)),
            "{key} undocumented"
        );
    }
}

/// The static server's keys from a file: index names, a Cache-Control
/// rule, a header, a 404 page (relative to the file), gzip, and sendfile
/// off (the read/write path serves the file whole).
#[test]
fn static_options_come_from_the_config_file() {
    let dir = cli_util::TempDir::new("static-config-root");
    let root = dir.path();
    std::fs::create_dir_all(root.join("docs")).unwrap();
    std::fs::write(root.join("docs/start.html"), "<p>start</p>").unwrap();
    let big: String = "static config text\n".repeat(2000);
    std::fs::write(root.join("big.txt"), &big).unwrap();
    std::fs::write(root.join("missing.html"), "<p>gone</p>").unwrap();
    let config = root.join("static.toml");
    std::fs::write(
        &config,
        "handler = \"static\"\ndir = \".\"\nbind = \"127.0.0.1:0\"\nindex = [\"start.html\"]\n\
         cache_control = [\"*.txt=max-age=5\"]\nheaders = [\"X-Test: yes\"]\n\
         not_found_page = \"missing.html\"\ngzip = true\nsendfile = false\n",
    )
    .unwrap();
    let server = Served::start(&["--config", config.to_str().unwrap()]);
    let ask = |request: &str| {
        let mut conn = server.tcp();
        conn.write_all(request.as_bytes()).unwrap();
        let mut answer = Vec::new();
        std::io::Read::read_to_end(&mut conn, &mut answer).unwrap();
        answer
    };
    let whole = ask("GET /big.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let text = String::from_utf8_lossy(&whole);
    assert!(text.contains("Cache-Control: max-age=5\r\n") && text.contains("X-Test: yes\r\n"), "{text:.300}");
    assert!(text.ends_with(&big), "the file was not sent whole with sendfile off");
    let zipped =
        ask("GET /big.txt HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n");
    assert!(String::from_utf8_lossy(&zipped).contains("Content-Encoding: gzip\r\n"));
    assert!(zipped.len() < big.len() / 10, "{} bytes", zipped.len());
    let index = ask("GET /docs/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(String::from_utf8_lossy(&index).ends_with("<p>start</p>"));
    let missing = ask("GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let missing = String::from_utf8_lossy(&missing);
    assert!(missing.starts_with("HTTP/1.1 404") && missing.ends_with("<p>gone</p>"), "{missing}");
    server.stop_cleanly();
}
