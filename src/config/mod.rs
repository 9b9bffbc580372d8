//! Server configuration: limits, socket options, and the strategy spec a
//! config file or flag selects.

pub(crate) mod duration;
mod server_config;

pub use self::duration::parse_duration;
pub use self::server_config::ServerConfig;
