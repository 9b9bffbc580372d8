//! Serving in the serving thread itself.

use super::{Concurrency, Dispatch, Job};

/// Serves everything on the thread that runs the server: Python's plain
/// `TCPServer`, without its one-connection-at-a-time limit for protocol
/// layers.
///
/// The serving thread runs the reactor and every step, so message and
/// HTTP connections interleave: an idle or slow client waits in the
/// poller and holds up no one. A raw [`RequestHandler`](crate::RequestHandler)
/// runs one connection at a time, as in Python, and a handler that blocks
/// holds up everyone. It suits datagram servers (the fastest strategy for
/// them), tests, and message servers with quick handlers.
///
/// # Examples
///
/// ```
/// use socketserver::{Server, SingleThread};
/// # use socketserver::{Connection, RequestHandler, Tcp};
/// # struct Quiet;
/// # impl RequestHandler<Connection> for Quiet {
/// #     fn handle(&self, _: &mut Connection) -> std::io::Result<()> { Ok(()) }
/// # }
///
/// let server = Server::builder(Quiet)
///     .concurrency(SingleThread)
///     .bind::<Tcp>("127.0.0.1:0")?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct SingleThread;

impl Concurrency for SingleThread {
    fn execute(&self, job: Job) {
        job.run()
    }

    fn dispatch(&self) -> Dispatch {
        Dispatch::Serving
    }

    fn describe(&self) -> String {
        "single".to_string()
    }
}
