//! What a handle needs of its server.

use super::{Counters, Stats};
use crate::{Address, ServerConfig};

/// The narrow view of a server that its handles hold: requests (through
/// [`ServerHandle`](super::ServerHandle)) and other threads (through
/// [`ShutdownHandle`](super::ShutdownHandle)) see the server only through
/// it, so neither they nor the request layer name the server's types.
/// The server's shared state implements it.
pub(crate) trait ServerState: Send + Sync + 'static {
    /// The server's limits and options.
    fn config(&self) -> &ServerConfig;

    /// The server's bound address.
    fn local_addr(&self) -> &Address;

    /// The server's counters now.
    fn stats(&self) -> Stats;

    /// The counters themselves, for the layers that count (a connection
    /// its bytes, the HTTP layer its responses).
    fn counters(&self) -> &Counters;

    /// Starts the shutdown and returns at once; harmless when repeated.
    fn begin_shutdown(&self);

    /// Whether the shutdown has begun.
    fn is_shutting_down(&self) -> bool;

    /// Waits until `serve_forever` has returned, unless the calling thread
    /// is one the drain waits for.
    fn wait_stopped(&self);
}
