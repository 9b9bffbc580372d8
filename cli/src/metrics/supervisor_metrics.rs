//! The supervisor's metrics endpoint, covering every child.

use super::{merge, scrape, ChildSocket, Endpoint};
use crate::error::CliError;
use socketserver::Tcp;
use std::path::PathBuf;

/// The supervisor's `/metrics` endpoint and its children's socket
/// directory, removed when it drops.
#[derive(Debug)]
pub struct SupervisorMetrics {
    endpoint: Option<Endpoint>,
    dir: PathBuf,
}

impl SupervisorMetrics {
    /// Makes the children's socket directory and serves, at `--metrics`
    /// (`bind`), the merged scrape of children 1 to `children`; `None`
    /// without `--metrics`.
    ///
    /// # Errors
    ///
    /// A runtime error when the directory cannot be made or the endpoint
    /// bound.
    pub fn start(bind: Option<&str>, children: usize) -> Result<Option<SupervisorMetrics>, CliError> {
        let Some(bind) = bind else { return Ok(None) };
        let pid = std::process::id();
        let dir = ChildSocket::make_dir(pid).map_err(|err| {
            CliError::runtime(format!("cannot make the children's metrics directory: {err}"))
        })?;
        let render = move || {
            merge(
                &(1..=children)
                    .filter_map(|n| scrape(&ChildSocket::of(pid, n).path).ok())
                    .collect::<Vec<_>>(),
            )
        };
        let mut metrics = SupervisorMetrics { endpoint: None, dir };
        let endpoint = Endpoint::start::<Tcp>(bind, render)
            .map_err(|err| CliError::runtime(format!("cannot serve metrics on {bind}: {err}")))?;
        log::info!("metrics of every child at http://{}/metrics", endpoint.local);
        metrics.endpoint = Some(endpoint);
        Ok(Some(metrics))
    }
}

impl Drop for SupervisorMetrics {
    fn drop(&mut self) {
        drop(self.endpoint.take());
        ChildSocket::remove_dir(&self.dir);
    }
}
