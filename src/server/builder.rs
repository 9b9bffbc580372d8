//! Configuring a server before it binds.

use super::shared::Shared;
use super::Server;
use crate::{
    Concurrency, DefaultHooks, Hooks, IntoAddress, RequestHandler, ServerConfig, ThreadPool, Transport,
};
use std::io;
use std::sync::Arc;
use std::time::Duration;

/// Builds a [`Server`]: the handler, a concurrency strategy, hooks and
/// limits, then [`bind`](Self::bind) with a transport.
///
/// # Examples
///
/// ```
/// use socketserver::{Connection, RequestHandler, Server, Tcp, ThreadPool};
/// use std::time::Duration;
/// # struct Quiet;
/// # impl RequestHandler<Connection> for Quiet {
/// #     fn handle(&self, _: &mut Connection) -> std::io::Result<()> { Ok(()) }
/// # }
///
/// let server = Server::builder(Quiet)
///     .concurrency(ThreadPool::new(4))
///     .read_timeout(Duration::from_secs(10))
///     .max_connections(100)
///     .bind::<Tcp>("127.0.0.1:0")?;
/// assert_ne!(server.local_addr().as_inet().unwrap().port(), 0);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct ServerBuilder<H, C = ThreadPool> {
    handler: H,
    concurrency: C,
    hooks: Arc<dyn Hooks>,
    config: ServerConfig,
}

impl<H> ServerBuilder<H> {
    /// A builder with [`ThreadPool::default`] (32 workers),
    /// [`DefaultHooks`] and [`ServerConfig::default`].
    pub fn new(handler: H) -> ServerBuilder<H> {
        ServerBuilder {
            handler,
            concurrency: ThreadPool::default(),
            hooks: Arc::new(DefaultHooks),
            config: ServerConfig::default(),
        }
    }
}

impl<H, C> ServerBuilder<H, C> {
    /// Sets the concurrency strategy. Default is [`ThreadPool::default`].
    pub fn concurrency<C2: Concurrency>(self, concurrency: C2) -> ServerBuilder<H, C2> {
        ServerBuilder { handler: self.handler, concurrency, hooks: self.hooks, config: self.config }
    }

    /// Sets the hooks. Default is [`DefaultHooks`].
    pub fn hooks(mut self, hooks: impl Hooks) -> Self {
        self.hooks = Arc::new(hooks);
        self
    }

    /// Replaces every limit and option at once. Default is
    /// [`ServerConfig::default`].
    pub fn config(mut self, config: ServerConfig) -> Self {
        self.config = config;
        self
    }

    /// Most requests in flight at once, queued ones included. Default is
    /// `1024`.
    ///
    /// # Panics
    ///
    /// Panics if `max` is zero.
    pub fn max_connections(mut self, max: usize) -> Self {
        assert!(max > 0, "max_connections must be at least 1");
        self.config.max_connections = max;
        self
    }

    /// Time to receive one whole message once it has begun; for raw
    /// stream handlers, the limit on each read. Zero means no limit.
    /// Default is 30 seconds.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.config.read_timeout = timeout;
        self
    }

    /// Time a message connection may sit idle between messages. Zero
    /// means no limit. Default is 60 seconds.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.config.idle_timeout = timeout;
        self
    }

    /// Longest a client may leave output unread without taking any of it
    /// (see [`ServerConfig::write_timeout`]). Zero means no limit. Default
    /// is 30 seconds.
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.config.write_timeout = timeout;
        self
    }

    /// Largest message or datagram accepted, in bytes. Default is 65536.
    ///
    /// # Panics
    ///
    /// Panics if `bytes` is zero.
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        assert!(bytes > 0, "max_message_size must be at least 1");
        self.config.max_message_size = bytes;
        self
    }

    /// How long shutdown waits for in-flight requests before closing their
    /// connections; zero waits with no limit (as every zero duration of
    /// [`ServerConfig`] means). Default is 5 seconds.
    pub fn drain_timeout(mut self, timeout: Duration) -> Self {
        self.config.drain_timeout = timeout;
        self
    }

    /// Listen backlog of stream transports. Default is `1024`.
    pub fn backlog(mut self, backlog: i32) -> Self {
        self.config.backlog = backlog;
        self
    }

    /// `SO_REUSEADDR` on a TCP listening socket (never on UDP: see
    /// [`ServerConfig::reuse_address`]). Default is `true`.
    pub fn reuse_address(mut self, on: bool) -> Self {
        self.config.reuse_address = on;
        self
    }

    /// `SO_REUSEPORT` on the listening socket, so several servers (a new
    /// process beside the old during a restart, or one per core) can bind
    /// the same address. Default is `false`.
    ///
    /// # Platform-specific behavior
    ///
    /// On Linux the kernel spreads new connections (and UDP datagrams)
    /// across the sockets by a hash of the peer, and only processes of the
    /// same user may share the port. On the BSDs and macOS, TCP
    /// connections go to the last socket bound. Ignored on Solaris and
    /// illumos, which have no such option, and by the Unix transports.
    pub fn reuse_port(mut self, on: bool) -> Self {
        self.config.reuse_port = on;
        self
    }

    /// `IPV6_V6ONLY` for IPv6 addresses. Default is `true`.
    pub fn ipv6_only(mut self, on: bool) -> Self {
        self.config.ipv6_only = on;
        self
    }

    /// `TCP_NODELAY` on accepted connections: replies go out at once
    /// rather than waiting to be coalesced (Nagle's algorithm). Default is
    /// `true`. TCP only.
    ///
    /// # Platform-specific behavior
    ///
    /// On Linux accepted sockets inherit the option (and the read and
    /// write timeouts) from the listener, so it is set once there rather
    /// than once per connection; elsewhere each accepted connection gets a
    /// `setsockopt` call.
    pub fn nodelay(mut self, on: bool) -> Self {
        self.config.nodelay = on;
        self
    }

    /// Expects a PROXY protocol header (v1 or v2) at the start of every
    /// connection, from a load balancer such as HAProxy (`send-proxy-v2`)
    /// or nginx (`proxy_protocol on`); see
    /// [`ServerConfig::proxy_protocol`]. The header is read before
    /// `verify_request`, `setup` and the handler, without holding a thread
    /// for a protocol layer's connection, and within `read_timeout`; after
    /// it, [`Connection::peer_addr`](crate::Connection::peer_addr) is the
    /// client's address. A connection without a valid header is closed
    /// and logged at `debug`. Default is `false`.
    ///
    /// [`bind`](Self::bind) fails with `Unsupported` for a datagram
    /// transport or when the crate is built without the `proxy-protocol`
    /// feature.
    pub fn proxy_protocol(mut self, on: bool) -> Self {
        self.config.proxy_protocol = on;
        self
    }

    /// Binds transport `T` to `addr` and starts the strategy's threads.
    /// Bind to port 0 and read [`Server::local_addr`] for a free port.
    ///
    /// # Errors
    ///
    /// Fails when `addr` does not resolve or is the wrong kind for `T`,
    /// when binding fails (`AddrInUse`, `PermissionDenied`, with the
    /// address in the message), or when the strategy cannot start its
    /// threads.
    pub fn bind<T>(self, addr: impl IntoAddress) -> io::Result<Server<T, C, H>>
    where
        T: Transport,
        C: Concurrency,
        H: RequestHandler<T::Request>,
    {
        check_proxy_protocol::<T>(&self.config)?;
        let transport = T::bind(&addr.into_address()?, &self.config)?;
        self.serve_on(transport)
    }

    /// Binds a TLS listener to `addr` (see [`Tls`](crate::Tls)) and starts
    /// the strategy's threads.
    ///
    /// # Errors
    ///
    /// As [`bind`](Self::bind).
    #[cfg(feature = "tls")]
    pub fn bind_tls(
        self,
        addr: impl IntoAddress,
        tls: crate::tls::TlsConfig,
    ) -> io::Result<Server<crate::Tls, C, H>>
    where
        C: Concurrency,
        H: RequestHandler<crate::Connection>,
    {
        let transport = crate::Tls::bind_with(&addr.into_address()?, &self.config, tls)?;
        self.serve_on(transport)
    }

    /// Builds the server around a transport already bound: one made from
    /// an inherited listener (systemd socket activation, a supervisor),
    /// such as [`Tcp::from_listener`](crate::Tcp::from_listener).
    ///
    /// # Errors
    ///
    /// Fails when the strategy cannot start its threads, or as
    /// [`bind`](Self::bind) does for [`proxy_protocol`](Self::proxy_protocol).
    ///
    /// # Examples
    ///
    /// ```
    /// use socketserver::{Connection, RequestHandler, Server, ServerConfig, Tcp};
    /// # struct Quiet;
    /// # impl RequestHandler<Connection> for Quiet {
    /// #     fn handle(&self, _: &mut Connection) -> std::io::Result<()> { Ok(()) }
    /// # }
    ///
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let tcp = Tcp::from_listener(listener, &ServerConfig::default())?;
    /// let server = Server::builder(Quiet).serve_on(tcp)?;
    /// assert_ne!(server.local_addr().as_inet().unwrap().port(), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn serve_on<T>(self, transport: T) -> io::Result<Server<T, C, H>>
    where
        T: Transport,
        C: Concurrency,
        H: RequestHandler<T::Request>,
    {
        check_proxy_protocol::<T>(&self.config)?;
        let shared = Shared::new(self.config, transport.local_addr().clone())?;
        self.concurrency.start()?;
        Server::assemble(transport, self.concurrency, self.handler, self.hooks, shared)
    }
}

/// The PROXY protocol needs the feature and a stream transport.
fn check_proxy_protocol<T: Transport>(config: &ServerConfig) -> io::Result<()> {
    let unsupported = |why: &str| Err(io::Error::new(io::ErrorKind::Unsupported, why.to_string()));
    if !config.proxy_protocol {
        Ok(())
    } else if !cfg!(feature = "proxy-protocol") {
        unsupported("proxy_protocol needs socketserver's `proxy-protocol` feature")
    } else if !T::is_stream() {
        unsupported(&format!("proxy_protocol applies to stream transports (tcp, unix), not {}", T::NAME))
    } else {
        Ok(())
    }
}

impl<H, C: std::fmt::Debug> std::fmt::Debug for ServerBuilder<H, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("concurrency", &self.concurrency)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
