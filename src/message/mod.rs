//! Message handlers: the framework reads and frames messages (with a
//! built-in framing or a codec of your own), the handler answers one at a
//! time.

mod conversation;
mod dispatch;
mod handler;
mod message_protocol;
mod messages;
mod reply;
mod session_table;
mod stream_loop;

pub use self::conversation::Conversation;
pub use self::handler::{Action, MessageHandler};
pub use self::messages::Messages;
pub use self::reply::Reply;
