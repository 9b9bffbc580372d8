//! The metrics endpoint of one server process.

use super::Endpoint;
use crate::error::CliError;
use crate::settings::Settings;
use socketserver::metrics::Exposition;
use socketserver::{Address, ServerHandle, Tcp, UnixStream};

/// Starts the `/metrics` endpoint of the server behind `handle`, if the
/// settings ask for one: on `--metrics` with `handler="NAME"` labels, or,
/// in a supervised child, on its socket for the supervisor, labelled
/// `child` too.
///
/// # Errors
///
/// A runtime error when the endpoint cannot be bound.
pub fn start_for(handle: &ServerHandle, settings: &Settings) -> Result<Option<Endpoint>, CliError> {
    let Some(bind) = &settings.metrics else { return Ok(None) };
    let (handle, name) = (handle.clone(), settings.handler.name);
    let started = match &settings.metrics_child {
        Some(child) => {
            let number = child.number.to_string();
            let render = move || {
                Exposition::new().add(&[("handler", name), ("child", &number)], &handle.stats()).render()
            };
            Endpoint::start::<UnixStream>(Address::Unix(child.path.clone()), render)
        }
        None => {
            let render = move || Exposition::new().add(&[("handler", name)], &handle.stats()).render();
            Endpoint::start::<Tcp>(bind.as_str(), render)
        }
    };
    let endpoint =
        started.map_err(|err| CliError::runtime(format!("cannot serve metrics on {bind}: {err}")))?;
    match &settings.metrics_child {
        Some(_) => log::debug!("metrics for the supervisor on {}", endpoint.local),
        None => log::info!("metrics at http://{}/metrics", endpoint.local),
    }
    Ok(Some(endpoint))
}
