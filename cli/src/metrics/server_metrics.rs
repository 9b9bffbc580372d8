//! The metrics endpoint of one server process.

use super::{ChildSocket, Endpoint};
use crate::error::CliError;
use socketserver::metrics::Exposition;
use socketserver::{Address, ServerHandle, Tcp, UnixStream};

/// Starts the `/metrics` endpoint of the server `name` behind `handle`,
/// if `--metrics` (`bind`) asks for one: there, with `handler="NAME"`
/// labels, or, in a supervised child, on its socket for the supervisor
/// (`child`), labelled `child` too.
///
/// # Errors
///
/// A runtime error when the endpoint cannot be bound.
pub fn start_for(
    handle: &ServerHandle,
    name: &'static str,
    bind: Option<&str>,
    child: Option<&ChildSocket>,
) -> Result<Option<Endpoint>, CliError> {
    let Some(bind) = bind else { return Ok(None) };
    let handle = handle.clone();
    let started = match child {
        Some(child) => {
            let number = child.number.to_string();
            let render = move || {
                Exposition::new().add(&[("handler", name), ("child", &number)], &handle.stats()).render()
            };
            Endpoint::start::<UnixStream>(Address::Unix(child.path.clone()), render)
        }
        None => {
            let render = move || Exposition::new().add(&[("handler", name)], &handle.stats()).render();
            Endpoint::start::<Tcp>(bind, render)
        }
    };
    let endpoint =
        started.map_err(|err| CliError::runtime(format!("cannot serve metrics on {bind}: {err}")))?;
    match child {
        Some(_) => log::debug!("metrics for the supervisor on {}", endpoint.local),
        None => log::info!("metrics at http://{}/metrics", endpoint.local),
    }
    Ok(Some(endpoint))
}
