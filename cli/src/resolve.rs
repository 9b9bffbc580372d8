//! `socketserver resolve`: Python's `socket.gethostbyname`, but every
//! address printed.

use crate::args::ResolveArgs;
use crate::error::CliError;
use std::net::{IpAddr, ToSocketAddrs};

/// Prints each distinct address `args.host` resolves to, one a line.
pub fn run(args: &ResolveArgs) -> Result<(), CliError> {
    for ip in addresses(&args.host)? {
        println!("{ip}");
    }
    Ok(())
}

/// The distinct addresses of `host`, in the resolver's order.
fn addresses(host: &str) -> Result<Vec<IpAddr>, CliError> {
    let found = (host, 0)
        .to_socket_addrs()
        .map_err(|err| CliError::runtime(format!("cannot resolve `{host}`: {err}")))?;
    let mut ips: Vec<IpAddr> = Vec::new();
    for addr in found {
        if !ips.contains(&addr.ip()) {
            ips.push(addr.ip());
        }
    }
    if ips.is_empty() {
        return Err(CliError::runtime(format!("`{host}` resolves to no address")));
    }
    Ok(ips)
}
