//! A request's view of its server.

use super::{Counters, ServerState, ShutdownHandle, Stats};
use crate::{Address, ServerConfig};
use std::fmt;
use std::sync::Arc;

/// A request's view of its server: shut it down, read its config, count
/// its requests. Cheap to clone.
///
/// # Examples
///
/// A handler that stops the server when told to:
///
/// ```
/// use socketserver::{Connection, RequestHandler};
/// use std::io::{self, BufRead};
///
/// struct StopOnQuit;
///
/// impl RequestHandler<Connection> for StopOnQuit {
///     fn handle(&self, conn: &mut Connection) -> io::Result<()> {
///         let mut line = String::new();
///         conn.read_line(&mut line)?;
///         if line.trim() == "quit" {
///             conn.server().shutdown();
///         }
///         Ok(())
///     }
/// }
/// ```
#[derive(Clone)]
pub struct ServerHandle {
    server: Arc<dyn ServerState>,
}

impl ServerHandle {
    /// The handle of `server`, for the requests it attaches.
    pub(crate) fn new(server: Arc<dyn ServerState>) -> ServerHandle {
        ServerHandle { server }
    }

    /// Starts shutting the server down and returns at once; see
    /// [`ShutdownHandle::shutdown`].
    pub fn shutdown(&self) {
        self.server.begin_shutdown()
    }

    /// Whether shutdown has begun. A long-running handler checks this to
    /// finish early (an HTTP handler stops keeping connections alive).
    pub fn is_shutting_down(&self) -> bool {
        self.server.is_shutting_down()
    }

    /// The server's limits and options.
    pub fn config(&self) -> &ServerConfig {
        self.server.config()
    }

    /// The server's bound address.
    pub fn local_addr(&self) -> &Address {
        self.server.local_addr()
    }

    /// The server's counters now.
    pub fn stats(&self) -> Stats {
        self.server.stats()
    }

    /// The counters, for the layers that count.
    pub(crate) fn counters(&self) -> &Counters {
        self.server.counters()
    }

    /// A handle that can shut the server down from any thread.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle::new(Arc::clone(&self.server))
    }
}

impl fmt::Debug for ServerHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerHandle").field("local", self.server.local_addr()).finish_non_exhaustive()
    }
}
