//! Unix socket files: a stale one is replaced, a live one or a regular
//! file refused, and the server removes its own on drop.

#![cfg(unix)]

mod util;

use socketserver::handlers::Echo;
use socketserver::{Messages, Server, SingleThread, UnixDatagram, UnixStream};
use std::io::{self, Read, Write};
use std::os::unix::net;
use std::path::Path;
use util::{serve, TempDir};

fn stream_server(path: &Path) -> io::Result<Server<UnixStream, SingleThread, Messages<Echo>>> {
    Server::builder(Echo::messages()).concurrency(SingleThread).bind::<UnixStream>(path)
}

fn datagram_server(path: &Path) -> io::Result<Server<UnixDatagram, SingleThread, Messages<Echo>>> {
    Server::builder(Echo::messages()).concurrency(SingleThread).bind::<UnixDatagram>(path)
}

/// Leaves a socket file no one listens on, as a crashed server does.
fn stale_socket(path: &Path) {
    drop(net::UnixListener::bind(path).unwrap());
    assert!(path.exists());
}

fn echoes(path: &Path) {
    let mut client = net::UnixStream::connect(path).unwrap();
    client.write_all(b"ping").unwrap();
    client.shutdown(std::net::Shutdown::Write).unwrap();
    let mut back = Vec::new();
    client.read_to_end(&mut back).unwrap();
    assert_eq!(back, b"ping");
}

#[test]
fn a_stale_stream_socket_is_replaced() {
    let dir = TempDir::new("ux");
    let path = dir.unique_path("stale");
    stale_socket(&path);
    let serving = serve(stream_server(&path).expect("the stale file was not replaced"));
    echoes(&path);
    let (server, report) = serving.shutdown();
    assert_eq!(report.cut_off, 0);
    assert!(path.exists(), "the file went before the server was dropped");
    drop(server);
    assert!(!path.exists(), "the server did not remove its socket file");
}

#[test]
fn a_stale_datagram_socket_is_replaced() {
    let dir = TempDir::new("ux");
    let path = dir.unique_path("stale");
    drop(net::UnixDatagram::bind(&path).unwrap());
    let server = datagram_server(&path).expect("the stale file was not replaced");
    let client_path = dir.unique_path("client");
    let client = util::DatagramClient::unix(&path, &client_path);
    let serving = serve(server);
    client.send(b"ping");
    assert_eq!(client.recv(), b"ping");
    drop(serving);
    assert!(!path.exists(), "the server did not remove its socket file");
}

#[test]
fn a_live_socket_is_refused() {
    let dir = TempDir::new("ux");
    let path = dir.unique_path("live");
    let first = stream_server(&path).unwrap();
    let err = stream_server(&path).expect_err("bound over a live server");
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse, "{err}");
    assert!(err.to_string().contains(&*path.to_string_lossy()), "{err}");
    let err = datagram_server(&path).expect_err("bound over a live server");
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse, "{err}");
    // The first server still owns and serves its file.
    let serving = serve(first);
    echoes(&path);
    drop(serving);
    assert!(!path.exists());
}

#[test]
fn a_live_datagram_socket_is_refused() {
    let dir = TempDir::new("ux");
    let path = dir.unique_path("live");
    let _first = datagram_server(&path).unwrap();
    let err = datagram_server(&path).expect_err("bound over a live server");
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse, "{err}");
}

#[test]
fn a_regular_file_is_refused_and_kept() {
    let dir = TempDir::new("ux");
    let path = dir.path().join("data.txt");
    std::fs::write(&path, "precious").unwrap();
    let err = stream_server(&path).expect_err("bound over a regular file");
    assert_eq!(err.kind(), io::ErrorKind::AlreadyExists, "{err}");
    assert!(err.to_string().contains("not a socket"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "precious");
}

#[test]
fn the_servers_own_file_is_removed_on_drop() {
    let dir = TempDir::new("ux");
    let stream_path = dir.unique_path("own");
    let datagram_path = dir.unique_path("own");
    let stream = stream_server(&stream_path).unwrap();
    let datagram = datagram_server(&datagram_path).unwrap();
    assert!(stream_path.exists() && datagram_path.exists());
    drop(stream);
    drop(datagram);
    assert!(!stream_path.exists());
    assert!(!datagram_path.exists());
}

#[test]
fn a_file_replaced_by_a_newer_server_is_left_alone() {
    let dir = TempDir::new("ux");
    let path = dir.unique_path("reused");
    let old = stream_server(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let new = stream_server(&path).unwrap();
    drop(old);
    assert!(path.exists(), "the old server removed the new server's file");
    let serving = serve(new);
    echoes(&path);
    drop(serving);
    assert!(!path.exists());
}
