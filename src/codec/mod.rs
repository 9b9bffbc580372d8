//! Protocols of your own: a [`Codec`] turns a connection's bytes into
//! messages and replies into bytes, and the engine does the rest.
//!
//! See [`Codec`] for the contract and an example,
//! [`MessageHandler`](crate::MessageHandler) for the handler that answers
//! a codec's messages, and [`Conversation`](crate::Conversation) to test
//! both without a server.

mod codec_trait;
mod decoded;
mod decoder_codec;
mod input;

pub use self::codec_trait::Codec;
pub use self::decoded::Decoded;
pub use self::input::Input;
