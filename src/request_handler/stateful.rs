//! Serving a [`StatefulHandler`] as a [`RequestHandler`].

use super::{RequestHandler, StatefulHandler};
use std::io;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

/// Serves a [`StatefulHandler`]: runs its `setup`, `handle` and `finish`
/// in turn on the request's thread, passing the state from one to the
/// next, with Python's semantics (see [`StatefulHandler`]).
///
/// All three run inside the server's `handle` call, so a failing `setup`
/// is reported through `handle_error` as any failure is, and the request
/// counts as served in [`Stats`](crate::Stats). A raw handler holds its
/// thread for the connection's life, as [`RequestHandler`] says.
///
/// # Examples
///
/// ```
/// use socketserver::{Datagram, Server, Stateful, StatefulHandler, Udp};
/// use std::io;
/// use std::time::Instant;
///
/// /// Answers each datagram with how long it took to answer.
/// struct Timed;
///
/// impl StatefulHandler<Datagram> for Timed {
///     type State = Instant;
///
///     fn setup(&self, _: &mut Datagram) -> io::Result<Instant> {
///         Ok(Instant::now())
///     }
///
///     fn handle(&self, datagram: &mut Datagram, started: &mut Instant) -> io::Result<()> {
///         datagram.reply(format!("{:?}", started.elapsed()).as_bytes())
///     }
/// }
///
/// let server = Server::builder(Stateful::new(Timed)).bind::<Udp>("127.0.0.1:0")?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct Stateful<H>(H);

impl<H> Stateful<H> {
    /// Wraps `handler` for a server.
    pub fn new(handler: H) -> Self {
        Stateful(handler)
    }

    /// The handler inside.
    pub fn inner(&self) -> &H {
        &self.0
    }
}

impl<R: 'static, H: StatefulHandler<R>> RequestHandler<R> for Stateful<H> {
    fn handle(&self, request: &mut R) -> io::Result<()> {
        let mut state = self.0.setup(request)?;
        let handled = catch_unwind(AssertUnwindSafe(|| self.0.handle(request, &mut state)));
        let finished = self.0.finish(request, state);
        match handled {
            // The server reports the panic, after `finish` has run.
            Err(payload) => resume_unwind(payload),
            Ok(Err(err)) => {
                if let Err(also) = finished {
                    log::error!("finish also failed: {also}");
                }
                Err(err)
            }
            Ok(Ok(())) => finished,
        }
    }

    fn busy(&self, request: &mut R) {
        self.0.busy(request)
    }

    fn oversized(&self, request: &mut R) {
        self.0.oversized(request)
    }
}
