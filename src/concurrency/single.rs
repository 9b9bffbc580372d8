//! Serving in the serving thread itself.

use super::{Concurrency, Dispatch, Job};

/// Serves each request in the thread that runs the server, one at a time:
/// Python's plain `TCPServer`.
///
/// Simple and thread-free; a slow client holds up everyone else, so it
/// suits tests, datagram servers and short request/reply protocols.
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
