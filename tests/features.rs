//! The library's packaging: it builds without default features and with
//! each feature alone, its core stays small, and the command line's
//! dependencies never reach a library user.
//!
//! The checks run `cargo` itself, with a target directory of their own (so
//! they never wait on the build lock of the `cargo test` running them).
//! The first run checks the core's dependencies once (about 20 s); later
//! runs recheck only the library.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// Every feature of the library, each checked alone.
const FEATURES: [&str; 8] =
    ["http", "handlers", "config", "threadpool", "proxy-protocol", "gzip", "tls", "metrics"];

/// The most crates a library user compiles without features, the library
/// itself included.
const CORE_CRATES: usize = 20;

/// Crates of the command line that no feature of the library may bring.
const CLI_ONLY: [&str; 6] = ["clap", "simplelog", "signal-hook", "hdrhistogram", "serde_json", "plotters"];

fn cargo(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("cannot run cargo");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "cargo {} failed:\n{stderr}", args.join(" "));
    stdout
}

fn check(features: &[&str]) {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("features");
    let mut args = vec!["check", "--quiet", "--package", "socketserver", "--lib", "--no-default-features"];
    let list = features.join(",");
    if !features.is_empty() {
        args.extend(["--features", &list]);
    }
    args.extend(["--target-dir", target.to_str().unwrap()]);
    cargo(&args);
}

/// The crates `cargo tree` lists for the library with `features` (names
/// only, the library itself included).
fn crates(features: &[&str]) -> BTreeSet<String> {
    let list = features.join(",");
    let mut args = vec![
        "tree",
        "--package",
        "socketserver",
        "--edges",
        "normal",
        "--prefix",
        "none",
        "--no-default-features",
    ];
    if !features.is_empty() {
        args.extend(["--features", &list]);
    }
    let tree = cargo(&args);
    tree.lines().filter_map(|line| line.split_whitespace().next()).map(str::to_string).collect()
}

#[test]
fn the_library_builds_without_features_and_with_each_alone() {
    check(&[]);
    for feature in FEATURES {
        check(&[feature]);
    }
}

#[test]
fn the_core_compiles_at_most_twenty_crates() {
    let core = crates(&[]);
    assert!(core.len() <= CORE_CRATES, "{} crates without features: {core:?}", core.len());
}

#[test]
fn no_feature_brings_the_command_line() {
    let all = crates(&FEATURES);
    for name in CLI_ONLY {
        assert!(!all.contains(name), "the library's features bring `{name}`: {all:?}");
    }
}
