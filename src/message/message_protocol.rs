//! A message handler's connections as a resumable protocol.

use super::stream_loop::StreamLoop;
use super::{MessageHandler, Messages};
use crate::codec::Codec;
use crate::protocol::{Protocol, Wait, Wake};
use crate::Connection;
use std::sync::Arc;

/// One connection of a [`Messages`] server, driven in steps by the
/// server's reactor.
pub(crate) struct MessageProtocol<M: MessageHandler<C>, C: Codec> {
    messages: Arc<Messages<M, C>>,
    /// Made at the first step, which knows the connection.
    state: Option<StreamLoop<M::Session, C>>,
}

impl<M: MessageHandler<C>, C: Codec> MessageProtocol<M, C> {
    pub(crate) fn new(messages: Arc<Messages<M, C>>) -> Self {
        MessageProtocol { messages, state: None }
    }
}

impl<M: MessageHandler<C>, C: Codec> Protocol for MessageProtocol<M, C> {
    fn step(&mut self, conn: &mut Connection, wake: Wake) -> Wait {
        let messages = &*self.messages;
        let state = self.state.get_or_insert_with(|| StreamLoop::new(messages, conn));
        state.step(messages, conn, wake)
    }
}
