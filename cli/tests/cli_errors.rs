//! Bad input is refused with one clear message and exit status 2, before
//! anything starts; a port in use is a clear failure with status 1.

mod cli_util;

use cli_util::{run, Ran, Served, TempDir};
use std::net::TcpListener;

fn refused(args: &[&str]) -> Ran {
    let ran = run(args, "");
    assert_eq!(ran.code, Some(2), "{args:?}: {ran:?}");
    assert!(!ran.stderr.contains("bound="), "{args:?} started a server: {ran:?}");
    ran
}

/// The one `socketserver: error:` line of a refused command.
fn error_line(ran: &Ran) -> &str {
    let errors: Vec<&str> =
        ran.stderr.lines().filter(|line| line.starts_with("socketserver: error:")).collect();
    assert_eq!(errors.len(), 1, "{ran:?}");
    assert_eq!(ran.stderr.lines().count(), 1, "one message only: {ran:?}");
    errors[0]
}

#[test]
fn bad_flags_get_clap_messages_and_status_2() {
    let ran = refused(&["serve", "echo", "--concurrency", "fibers"]);
    assert!(ran.stderr.contains("`fibers` is not a strategy; accepted: single, threads, pool"), "{ran:?}");
    let ran = refused(&["serve", "echo", "--transport", "sctp"]);
    assert!(ran.stderr.contains("accepted: tcp, udp, unix, unix-dgram"), "{ran:?}");
    let ran = refused(&["serve", "echo", "--workers", "0"]);
    assert!(ran.stderr.contains("--workers"), "{ran:?}");
    let ran = refused(&["serve", "echo", "--overload", "drop"]);
    assert!(ran.stderr.contains("accepted: wait, reject"), "{ran:?}");
    let ran = refused(&["serve", "echo", "--log-level", "loud"]);
    assert!(ran.stderr.contains("accepted: off, error, warn, info, debug, trace"), "{ran:?}");
    let ran = refused(&["serve", "echo", "--no-such-flag"]);
    assert!(ran.stderr.contains("--no-such-flag"), "{ran:?}");
    refused(&["frobnicate"]);
}

#[test]
fn bad_handler_bind_or_flag_combination_is_one_message() {
    let ran = refused(&["serve", "nosuch"]);
    assert!(error_line(&ran).contains("`nosuch` is not a bundled server; accepted: "), "{ran:?}");
    assert!(error_line(&ran).contains("echo"), "{ran:?}");
    let ran = refused(&["serve"]);
    assert!(error_line(&ran).contains("set `handler` in --config"), "{ran:?}");
    let ran = refused(&["serve", "echo", "--bind", "nowhere"]);
    assert!(error_line(&ran).contains("takes HOST:PORT"), "{ran:?}");
    let ran = refused(&["serve", "echo", "--bind", "127.0.0.1:70000"]);
    assert!(error_line(&ran).contains("at most 65535"), "{ran:?}");
    let ran = refused(&["serve", "echo", "--transport", "unix", "--bind", "127.0.0.1:0"]);
    assert!(error_line(&ran).contains("binds a socket file path"), "{ran:?}");
    let ran = refused(&["serve", "echo", "--data", "/dev/null"]);
    assert!(error_line(&ran).contains("does not apply to `echo`"), "{ran:?}");
    let ran = refused(&["serve", "http", "--transport", "udp"]);
    assert!(error_line(&ran).contains("`http` has no datagram form"), "{ran:?}");
    let ran = refused(&["serve", "static", "--dir", "/no/such/dir"]);
    assert!(error_line(&ran).contains("cannot serve /no/such/dir"), "{ran:?}");
    let ran = refused(&["serve", "echo", "--dir", "."]);
    assert!(error_line(&ran).contains("does not apply to `echo`"), "{ran:?}");
}

#[test]
fn a_missing_config_file_is_named() {
    let dir = TempDir::new("cli");
    let missing = dir.path().join("missing.toml");
    let ran = refused(&["serve", "echo", "--config", missing.to_str().unwrap()]);
    let line = error_line(&ran);
    assert!(line.contains(missing.to_str().unwrap()) && line.contains("cannot read"), "{ran:?}");
}

#[test]
fn an_unknown_config_key_is_named_with_the_accepted_keys() {
    let dir = TempDir::new("cli");
    let file = dir.file("unknown.toml", "handler = \"echo\"\nthreads = 4\n");
    let ran = refused(&["serve", "--config", file.to_str().unwrap()]);
    let line = error_line(&ran);
    assert!(line.contains("key `threads`: unknown key; accepted keys: handler, bind, transport"), "{line}");

    let file = dir.file("unknown-limit.toml", "handler = \"echo\"\n[limits]\nread_timeot = \"5s\"\n");
    let ran = refused(&["serve", "--config", file.to_str().unwrap()]);
    let line = error_line(&ran);
    assert!(line.contains("key `limits.read_timeot`") && line.contains("read_timeout"), "{line}");
}

#[test]
fn a_bad_config_value_is_named_with_the_accepted_values() {
    let cases = [
        (
            "concurrency = \"fibers\"",
            "key `concurrency`: `fibers` is not a strategy; accepted: single, threads, pool",
        ),
        (
            "transport = \"sctp\"",
            "key `transport`: `sctp` is not a transport; accepted: tcp, udp, unix, unix-dgram",
        ),
        ("overload = \"drop\"", "key `overload`: `drop` is not an overload policy; accepted: wait, reject"),
        ("workers = 0", "key `workers`: expected a whole number of at least 1, found integer `0`"),
        ("queue = \"many\"", "key `queue`: expected a whole number of at least 1"),
        ("log_level = \"loud\"", "key `log_level`: `loud` is not a log level; accepted:"),
        ("bind = 8084", "key `bind`: expected a string in quotes"),
        ("[limits]\nread_timeout = \"soon\"", "key `limits.read_timeout`: `soon` is not a duration"),
        ("[limits]\nmax_connections = \"lots\"", "key `limits.max_connections`: invalid type"),
        ("handler = \"echo\nbind = 1", "line 1: not valid TOML"),
    ];
    for (text, expected) in cases {
        let body = if text.starts_with("handler") {
            text.to_string()
        } else {
            format!("handler = \"echo\"\n{text}\n")
        };
        let dir = TempDir::new("cli");
        let file = dir.file("bad-value.toml", &body);
        let ran = refused(&["serve", "--config", file.to_str().unwrap()]);
        let line = error_line(&ran);
        assert!(line.contains(expected), "{text:?}: expected {expected:?} in {line:?}");
        assert!(line.contains(file.to_str().unwrap()), "{line}");
    }
}

#[test]
fn a_bad_data_file_is_refused_with_the_line_and_reason() {
    let dir = TempDir::new("cli");
    let book = dir.file("book.csv", "name,office\nJOHN,C45\nbroken line\n");
    let ran = refused(&["serve", "address-book", "--data", book.to_str().unwrap()]);
    let line = error_line(&ran);
    assert!(line.contains("bad --data file") && line.contains("line 3"), "{line}");
    let missing = dir.path().join("no-quotes.txt");
    let ran = refused(&["serve", "qotd", "--data", missing.to_str().unwrap()]);
    assert!(error_line(&ran).contains("cannot read"), "{ran:?}");
}

#[test]
fn a_good_data_file_is_served() {
    let dir = TempDir::new("cli");
    let book = dir.file("book.toml", "[entries]\nGrace = \"Z99\"\n");
    let server = Served::start(&["address-book", "--bind", "127.0.0.1:0", "--data", book.to_str().unwrap()]);
    let ran = run(&["client", &server.bound, "--send", "grace"], "");
    assert_eq!(ran.stdout, "Z99\n", "{ran:?}");
    server.stop_cleanly();
}

#[test]
fn a_port_in_use_is_a_clear_failure_with_status_1() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let ran = run(&["serve", "echo", "--bind", &addr], "");
    assert_eq!(ran.code, Some(1), "{ran:?}");
    let line = error_line(&ran);
    assert!(line.contains(&format!("cannot bind {addr}")), "{line}");
    assert!(line.contains("another server is using that address"), "{line}");
}

#[test]
fn a_unix_socket_in_use_is_refused() {
    let dir = TempDir::new("cli");
    let path = dir.path().join("taken.sock");
    let first = Served::start(&["echo", "--transport", "unix", "--bind", path.to_str().unwrap()]);
    let ran = run(&["serve", "echo", "--transport", "unix", "--bind", path.to_str().unwrap()], "");
    assert_eq!(ran.code, Some(1), "{ran:?}");
    assert!(error_line(&ran).contains("already listening"), "{ran:?}");
    first.stop_cleanly();
}

#[test]
fn a_udp_port_in_use_is_refused_not_shared() {
    let first = Served::start(&["ack", "--transport", "udp", "--bind", "127.0.0.1:0"]);
    let addr = first.bound.clone();
    let ran = run(&["serve", "ack", "--transport", "udp", "--bind", &addr], "");
    assert_eq!(ran.code, Some(1), "a second UDP server must not share the port: {ran:?}");
    assert!(error_line(&ran).contains(&format!("cannot bind {addr}")), "{ran:?}");
    assert_eq!(first.udp_ask(b"hi"), b"OK...hi\n".to_vec(), "the first server keeps its traffic");
    first.stop_cleanly();
}

#[test]
fn serve_static_help_lists_the_static_flags() {
    let ran = run(&["serve", "static", "--help"], "");
    assert_eq!(ran.code, Some(0), "{ran:?}");
    for flag in [
        "--dir",
        "--index",
        "--cache-control",
        "--header",
        "--not-found-page",
        "--gzip",
        "--no-precompressed",
        "--no-sendfile",
    ] {
        assert!(ran.stdout.contains(flag), "`serve static --help` does not list {flag}:\n{}", ran.stdout);
    }
    assert!(ran.stdout.contains("Static files (serve static)"), "{}", ran.stdout);
}

#[test]
fn bad_static_options_are_named() {
    let dir = TempDir::new("static-options");
    let root = dir.path().to_str().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (&["--cache-control", "max-age=60"], "neither a path prefix"),
        (&["--cache-control", "*.css"], "expected PATTERN=VALUE"),
        (&["--header", "no colon"], "expected 'Name: value'"),
        (&["--header", "Bad Name: x"], "not an HTTP token"),
        (&["--index", "../up.html"], "not a plain file name"),
        (&["--not-found-page", "/no/such/404.html"], "cannot read the 404 page"),
    ];
    for (flags, wanted) in cases {
        let mut args = vec!["serve", "static", "--dir", root, "--bind", "127.0.0.1:0"];
        args.extend_from_slice(flags);
        let ran = refused(&args);
        assert!(error_line(&ran).contains(wanted), "{flags:?}: {}", error_line(&ran));
    }
    let other = refused(&["serve", "echo", "--gzip"]);
    assert!(
        error_line(&other).contains("--gzip (`gzip`) does not apply to `echo`"),
        "{}",
        error_line(&other)
    );
    let config = dir.file("static-config.toml", "handler = \"static\"\ngzip = \"yes\"\n");
    let ran = refused(&["serve", "--config", config.to_str().unwrap()]);
    assert!(error_line(&ran).contains("key `gzip`: expected true or false"), "{}", error_line(&ran));
}
