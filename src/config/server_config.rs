//! Limits and socket options shared by every transport and strategy.

#[cfg(feature = "config")]
use serde::Deserialize;
use std::time::Duration;

/// The limits and socket options a server runs with.
///
/// Every limit has a default a public-facing server can live with: a client
/// that connects and sends nothing is closed after `idle_timeout`; one that
/// trickles a message byte by byte is closed after `read_timeout`; one that
/// never reads its replies is closed after `write_timeout`.
///
/// The same fields are read from the `[limits]` table of a TOML config file;
/// durations are written `"30s"`, `"250ms"`, `"5m"` or as a number of
/// seconds, and unknown keys are refused.
///
/// # Examples
///
/// ```
/// use socketserver::ServerConfig;
/// use std::time::Duration;
///
/// let mut config = ServerConfig::default();
/// config.read_timeout = Duration::from_secs(5);
/// assert_eq!(config.max_message_size, 64 * 1024);
///
/// # #[cfg(feature = "config")] {
/// let from_toml: ServerConfig = toml::from_str("idle_timeout = \"2m\"").unwrap();
/// assert_eq!(from_toml.idle_timeout, Duration::from_secs(120));
/// # }
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "config", derive(Deserialize), serde(default, deny_unknown_fields))]
#[non_exhaustive]
pub struct ServerConfig {
    /// Most connections (or datagrams) in flight at once, queued ones
    /// included; past it a new one is refused. Default is `1024`.
    pub max_connections: usize,
    /// Time allowed to receive one whole message once its first byte has
    /// arrived; for raw stream handlers, the limit on each read. Default is
    /// 30 seconds.
    #[cfg_attr(feature = "config", serde(deserialize_with = "super::duration::deserialize"))]
    pub read_timeout: Duration,
    /// Time a message handler's connection may sit between messages before
    /// it is closed. Default is 60 seconds.
    #[cfg_attr(feature = "config", serde(deserialize_with = "super::duration::deserialize"))]
    pub idle_timeout: Duration,
    /// Longest a client may leave the server's output unread without
    /// taking any of it: a reply waiting for room in the socket closes its
    /// connection once no byte of it has gone out for this long (progress
    /// restarts the clock, as nginx's `send_timeout`), for the message
    /// loop and HTTP alike; on a raw handler's blocking socket, the limit
    /// on each write. Default is 30 seconds.
    #[cfg_attr(feature = "config", serde(deserialize_with = "super::duration::deserialize"))]
    pub write_timeout: Duration,
    /// Largest message (frame or datagram) accepted, in bytes. Default is
    /// 65536.
    pub max_message_size: usize,
    /// How long shutdown waits for in-flight requests before closing their
    /// connections. Zero waits with no limit, as Python's `server_close`
    /// waits for every thread (`block_on_close`); as for every duration
    /// here, zero means "no limit". Default is 5 seconds.
    #[cfg_attr(feature = "config", serde(deserialize_with = "super::duration::deserialize"))]
    pub drain_timeout: Duration,
    /// Listen backlog for stream transports. Default is `1024`.
    pub backlog: i32,
    /// Sets `SO_REUSEADDR` on a TCP listening socket, so a restarted
    /// server can bind while old connections linger in `TIME_WAIT`.
    /// Default is `true`. Never set on UDP sockets, whatever this says:
    /// there Linux would let a second socket bind the same port and take
    /// a share of its datagrams (Python's `UDPServer` does not set it
    /// either).
    pub reuse_address: bool,
    /// Sets `SO_REUSEPORT`, letting several servers share a port. Default
    /// is `false`. How the system shares it differs by platform: see
    /// [`ServerBuilder::reuse_port`](crate::ServerBuilder::reuse_port).
    pub reuse_port: bool,
    /// For an IPv6 address, accept IPv6 only (`IPV6_V6ONLY`). Default is
    /// `true`, so `[::]:PORT` and `0.0.0.0:PORT` can be bound side by side.
    pub ipv6_only: bool,
    /// Sets `TCP_NODELAY` on accepted TCP connections. Default is `true`.
    /// See [`ServerBuilder::nodelay`](crate::ServerBuilder::nodelay) for
    /// how it is applied per platform.
    pub nodelay: bool,
    /// Every stream connection begins with a PROXY protocol header (v1 or
    /// v2, as HAProxy's `send-proxy` and `send-proxy-v2` send it), read
    /// before the handler runs; the client address it names becomes the
    /// connection's [`peer_addr`](crate::Connection::peer_addr). A
    /// connection without a valid header within `read_timeout` is closed.
    /// Needs the `proxy-protocol` feature and a stream transport. Turn it
    /// on only behind a proxy: anyone who can connect could otherwise
    /// claim any address. Default is `false`.
    pub proxy_protocol: bool,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            max_connections: 1024,
            read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(30),
            max_message_size: 64 * 1024,
            drain_timeout: Duration::from_secs(5),
            backlog: 1024,
            reuse_address: true,
            reuse_port: false,
            ipv6_only: true,
            nodelay: true,
            proxy_protocol: false,
        }
    }
}
