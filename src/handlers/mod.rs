//! The bundled servers, one file each, runnable from the `socketserver`
//! binary.

mod echo;
pub mod http;

pub use self::echo::Echo;
