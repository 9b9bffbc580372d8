//! The public types that cross threads are `Send + Sync`.

use socketserver::handlers::Echo;
use socketserver::{
    Action, Address, Connection, Datagram, DefaultHooks, DrainReport, Failure, FrameError, Framing,
    MessageHandler, Messages, Overload, Reply, Server, ServerConfig, ServerHandle, ShutdownHandle,
    SingleThread, Stats, Strategy, Tcp, ThreadPerConnection, ThreadPool, Udp, UnixDatagram, UnixStream,
};

fn assert_send_sync<T: Send + Sync>() {}
fn assert_send<T: Send>() {}
fn assert_clone<T: Clone>() {}

struct Quiet;

impl MessageHandler for Quiet {
    type Session = ();

    fn handle(&self, _: &mut (), _: &[u8], _: &mut Reply<'_>) -> Action {
        Action::Continue
    }
}

#[test]
fn handles_cross_threads() {
    assert_send_sync::<ShutdownHandle>();
    assert_clone::<ShutdownHandle>();
    assert_send_sync::<ServerHandle>();
    assert_clone::<ServerHandle>();
}

#[test]
fn servers_cross_threads() {
    assert_send_sync::<Server<Tcp, ThreadPool, Messages<Quiet>>>();
    assert_send_sync::<Server<Udp, SingleThread, Echo>>();
    assert_send_sync::<Server<UnixStream, ThreadPerConnection, Echo>>();
    assert_send_sync::<Server<UnixDatagram, Strategy, Messages<Quiet>>>();
}

#[test]
fn strategies_and_values_cross_threads() {
    assert_send_sync::<ThreadPool>();
    assert_send_sync::<ThreadPerConnection>();
    assert_send_sync::<SingleThread>();
    assert_send_sync::<Strategy>();
    assert_send_sync::<Address>();
    assert_send_sync::<ServerConfig>();
    assert_send_sync::<Stats>();
    assert_send_sync::<socketserver::Durations>();
    assert_send_sync::<DrainReport>();
    assert_send_sync::<Framing>();
    assert_send_sync::<FrameError>();
    assert_send_sync::<Overload>();
    assert_send_sync::<Failure>();
    assert_send_sync::<DefaultHooks>();
    assert_send_sync::<Messages<Quiet>>();
}

#[test]
fn requests_move_to_workers() {
    assert_send::<Connection>();
    assert_send::<Datagram>();
}

#[cfg(feature = "tls")]
#[test]
fn tls_types_cross_threads() {
    use socketserver::request::TlsStream;
    use socketserver::tls::{ReloadableCert, TlsConfig};
    assert_send_sync::<Server<socketserver::Tls, ThreadPool, Messages<Quiet>>>();
    assert_send_sync::<TlsConfig>();
    assert_clone::<TlsConfig>();
    assert_send_sync::<ReloadableCert>();
    assert_send_sync::<TlsStream>();
}

/// The HTTP rules' values can live in a handler's shared state; a
/// `Representation` can be built on one thread and answered on another.
#[cfg(feature = "http")]
#[test]
fn http_rules_cross_threads() {
    use socketserver::http::{
        AcceptEncoding, ByteRange, ContentCoding, EntityTag, Precondition, Ranges, Representation, Validators,
    };
    assert_send_sync::<EntityTag>();
    assert_send_sync::<Validators>();
    assert_clone::<Validators>();
    assert_send_sync::<Precondition>();
    assert_send_sync::<Ranges>();
    assert_send_sync::<ByteRange>();
    assert_send_sync::<AcceptEncoding>();
    assert_send_sync::<ContentCoding>();
    assert_send::<Representation>();
}
