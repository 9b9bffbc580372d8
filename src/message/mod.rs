//! Message handlers: the framework reads and frames messages, the handler
//! answers one at a time.

mod handler;
mod message_protocol;
mod messages;
mod reply;
mod session_table;
mod stream_loop;

pub use self::handler::{Action, MessageHandler};
pub use self::messages::Messages;
pub use self::reply::Reply;
