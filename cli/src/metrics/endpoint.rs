//! The `/metrics` endpoint: a small HTTP server of its own, on a thread.

use socketserver::http::{Http, HttpRequest, HttpResponse};
use socketserver::metrics::CONTENT_TYPE;
use socketserver::{Address, Connection, IntoAddress, Server, ShutdownHandle, SingleThread, Transport};
use std::io;
use std::thread::JoinHandle;

/// A running `/metrics` endpoint; dropping it stops it.
#[derive(Debug)]
pub struct Endpoint {
    /// Where it listens.
    pub local: Address,
    stop: ShutdownHandle,
    thread: Option<JoinHandle<()>>,
}

impl Endpoint {
    /// Serves `render()`'s text at `/metrics` on `bind` (transport `T`),
    /// on a thread of its own, one scrape at a time.
    ///
    /// # Errors
    ///
    /// Fails when `bind` cannot be bound or the thread started.
    pub fn start<T: Transport<Request = Connection>>(
        bind: impl IntoAddress,
        render: impl Fn() -> String + Send + Sync + 'static,
    ) -> io::Result<Endpoint> {
        let app = move |req: &HttpRequest| respond(req, &render);
        let server = Server::builder(Http::new(app)).concurrency(SingleThread).bind::<T>(bind)?;
        let (local, stop) = (server.local_addr().clone(), server.shutdown_handle());
        let thread = std::thread::Builder::new().name("ss-metrics".into()).spawn(move || {
            if let Err(err) = server.serve_forever() {
                log::error!("the metrics endpoint failed: {err}");
            }
        })?;
        Ok(Endpoint { local, stop, thread: Some(thread) })
    }
}

/// `/metrics` (GET or HEAD) is the exposition; anything else is 404.
fn respond(req: &HttpRequest, render: &impl Fn() -> String) -> io::Result<HttpResponse> {
    if req.path() != "/metrics" {
        return Ok(HttpResponse::text(404, "404 Not Found: the metrics are at /metrics\n"));
    }
    Ok(HttpResponse::new(200).header("Content-Type", CONTENT_TYPE)?.body(render()))
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        self.stop.shutdown();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
