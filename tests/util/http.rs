//! An HTTP server on a thread, for the raw client of `http_client.rs`.

use super::{serve, Client, Serving, LOCAL};
use socketserver::http::{Http, HttpHandler};
use socketserver::{Concurrency, Server, Tcp, ThreadPool};

/// What [`serve_http`] gives back.
pub type HttpServing<A> = Serving<Tcp, ThreadPool, Http<A>>;

/// Serves `http` over TCP on 127.0.0.1 with a pool of four threads.
pub fn serve_http<A: HttpHandler>(http: Http<A>) -> HttpServing<A> {
    serve(Server::builder(http).concurrency(ThreadPool::new(4)).bind::<Tcp>(LOCAL).expect("cannot bind"))
}

impl<C: Concurrency, A: HttpHandler> Serving<Tcp, C, Http<A>> {
    /// A new client connection to the server.
    pub fn connect(&self) -> Client {
        Client::connect(self.inet())
    }
}
