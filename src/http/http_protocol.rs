//! An HTTP connection as a resumable protocol.

use super::exchange::Exchange;
use super::{Http, HttpHandler};
use crate::protocol::{Protocol, Wait, Wake};
use crate::Connection;
use std::sync::Arc;

/// One connection of an [`Http`] server, driven in steps by the server's
/// reactor.
#[derive(Debug)]
pub(super) struct HttpProtocol<A> {
    http: Arc<Http<A>>,
    exchange: Exchange,
}

impl<A: HttpHandler> HttpProtocol<A> {
    pub(super) fn new(http: Arc<Http<A>>) -> Self {
        let exchange = Exchange::new(&http);
        HttpProtocol { http, exchange }
    }
}

impl<A: HttpHandler> Protocol for HttpProtocol<A> {
    fn step(&mut self, conn: &mut Connection, wake: Wake) -> Wait {
        self.exchange.step(&self.http, conn, wake)
    }
}
