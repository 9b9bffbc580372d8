//! A hyper 1.x HTTP/1.1 server answering every request as
//! `socketserver serve http` answers `GET /`: `200`, `text/plain`, a
//! `Hello From Server at <date>` body. Keep-alive, a task per connection.
//!
//! `hyper-hello [--current-thread] 127.0.0.1:0` prints `bound=ADDR`.

use bench_servers::{announce, Options};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use tokio::net::TcpListener;

fn main() -> std::io::Result<()> {
    let options = Options::from_args("hyper-hello");
    options.runtime().block_on(serve(options.addr))
}

async fn serve(addr: std::net::SocketAddr) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    announce(listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        tokio::spawn(async move {
            let io = TokioIo::new(stream);
            let _ = http1::Builder::new().serve_connection(io, service_fn(hello)).await;
        });
    }
}

async fn hello(_: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let body = format!("Hello From Server at {}", httpdate::fmt_http_date(std::time::SystemTime::now()));
    let response = Response::builder()
        .header("content-type", "text/plain; charset=utf-8")
        .body(Full::new(Bytes::from(body)))
        .expect("a static response is valid");
    Ok(response)
}
