//! `socketserver bench` hands its arguments to the `socketserver-bench`
//! binary (the load generator, a workspace member of its own): the one
//! beside `socketserver`, else the one on `PATH`, and says what to build
//! when there is none. A stand-in script plays the bench here, so these
//! tests need no bench built; `bench/tests/` tests the real one.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// Three folders: `alone` holds the binary under test and nothing else,
/// `beside` holds it and a stand-in bench, `on_path` a stand-in bench
/// only.
struct Folders {
    alone: PathBuf,
    beside: PathBuf,
    on_path: PathBuf,
}

/// Made once, before any test runs a program: a script being written
/// while another thread starts a process can be refused as busy.
fn folders() -> &'static Folders {
    static FOLDERS: OnceLock<Folders> = OnceLock::new();
    FOLDERS.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_bench");
        let _ = fs::remove_dir_all(&root);
        let folders =
            Folders { alone: root.join("alone"), beside: root.join("beside"), on_path: root.join("on_path") };
        for dir in [&folders.alone, &folders.beside, &folders.on_path] {
            fs::create_dir_all(dir).expect("cannot make a test folder");
        }
        place_binary(&folders.alone);
        place_binary(&folders.beside);
        stand_in(&folders.beside);
        stand_in(&folders.on_path);
        folders
    })
}

/// The binary under test in `dir`: hard-linked, not symlinked, since the
/// binary finds its folder through `/proc/self/exe`, which resolves links.
fn place_binary(dir: &Path) {
    let binary = dir.join("socketserver");
    if fs::hard_link(env!("CARGO_BIN_EXE_socketserver"), &binary).is_err() {
        fs::copy(env!("CARGO_BIN_EXE_socketserver"), &binary).expect("cannot copy the binary");
    }
}

/// A `socketserver-bench` that prints its arguments, one a line, and
/// exits 3.
fn stand_in(dir: &Path) {
    let path = dir.join("socketserver-bench");
    fs::write(&path, "#!/bin/sh\nprintf '%s\\n' \"$@\"\nexit 3\n").expect("cannot write the stand-in");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("cannot make it executable");
}

/// Runs `DIR/socketserver bench ARGS...` with `PATH` set to `path`.
fn bench(dir: &Path, path: &Path, args: &[&str]) -> Output {
    Command::new(dir.join("socketserver"))
        .arg("bench")
        .args(args)
        .env("PATH", path)
        .output()
        .expect("the socketserver binary runs")
}

#[test]
fn the_bench_beside_the_binary_gets_every_argument_and_gives_its_status() {
    let folders = folders();
    let output = bench(&folders.beside, &folders.alone, &["--addr", "127.0.0.1:1", "--help", "-x"]);
    assert_eq!(String::from_utf8_lossy(&output.stdout), "--addr\n127.0.0.1:1\n--help\n-x\n");
    assert_eq!(output.status.code(), Some(3), "{output:?}");
}

#[test]
fn without_one_beside_it_the_bench_on_path_runs() {
    let folders = folders();
    let output = bench(&folders.alone, &folders.on_path, &["suite", "--only", "echo-64"]);
    assert_eq!(String::from_utf8_lossy(&output.stdout), "suite\n--only\necho-64\n");
    assert_eq!(output.status.code(), Some(3), "{output:?}");
}

#[test]
fn without_a_bench_it_says_what_to_build() {
    let folders = folders();
    let output = bench(&folders.alone, &folders.alone, &["--help"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cargo build --release -p socketserver-bench"), "{stderr}");
}
