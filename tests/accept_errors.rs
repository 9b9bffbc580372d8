//! Running out of file descriptors does not end `serve_forever`: the
//! accept loop backs off and resumes when descriptors are free again.
//!
//! One test in its own process, since it lowers the process's descriptor
//! limit.

mod util;

use socketserver::{Messages, Server, Tcp, ThreadPool};
use std::os::fd::AsRawFd;
use util::{capture_logs, eventually, logged_at_least, serve, LineClient, Upper, PATIENCE};

fn descriptor_limit() -> libc::rlimit {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: `limit` is a valid rlimit to write to.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) }, 0);
    limit
}

fn set_descriptor_limit(limit: libc::rlimit) {
    // SAFETY: `limit` is a valid rlimit.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) }, 0);
}

fn client_socket() -> socket2::Socket {
    socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap()
}

/// The lowest descriptor number not in use, found by duplicating `open`.
fn lowest_free_descriptor(open: &impl AsRawFd) -> i32 {
    // SAFETY: duplicates an open descriptor to the lowest free number,
    // then closes the duplicate.
    unsafe {
        let fd = libc::fcntl(open.as_raw_fd(), libc::F_DUPFD, 0);
        assert!(fd >= 0, "cannot duplicate a descriptor");
        libc::close(fd);
        fd
    }
}

#[test]
fn out_of_descriptors_the_server_backs_off_and_resumes() {
    capture_logs();

    let server = Server::builder(Messages::new(Upper))
        .concurrency(ThreadPool::new(4))
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    let serving = serve(server);
    let mut first = LineClient::tcp(serving.inet());
    assert_eq!(first.ask("first"), "FIRST");

    // Two client sockets made now; then a limit that leaves no descriptor
    // free (every number below the lowest free one is in use), so the
    // server's next accept fails with EMFILE.
    let sockets = [client_socket(), client_socket()];
    let original = descriptor_limit();
    let lowest_free = lowest_free_descriptor(&sockets[0]);
    set_descriptor_limit(libc::rlimit { rlim_cur: lowest_free as libc::rlim_t, ..original });
    for socket in &sockets {
        let connected = socket.connect(&serving.inet().into());
        if connected.is_err() {
            set_descriptor_limit(original);
        }
        connected.unwrap();
    }
    let warned = eventually(PATIENCE, || !logged_at_least(log::Level::Warn).is_empty());
    set_descriptor_limit(original);
    assert!(warned, "the server never ran out of descriptors");
    let warning = logged_at_least(log::Level::Warn).remove(0);
    let [mut second, mut third] = sockets.map(|socket| LineClient::from_tcp(socket.into()));
    assert!(warning.contains("cannot accept"), "{warning}");

    assert_eq!(second.ask("second"), "SECOND");
    assert_eq!(third.ask("third"), "THIRD");
    assert_eq!(first.ask("again"), "AGAIN");
    let (server, report) = serving.shutdown();
    assert_eq!(report.cut_off, 0);
    assert_eq!(server.stats().served, 3);
}
