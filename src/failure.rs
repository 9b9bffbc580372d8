//! What went wrong while serving one request.

use std::any::Any;
use std::fmt;
use std::io;

/// A request that did not end cleanly: its handler returned an error or
/// panicked.
///
/// The server passes a `Failure` to [`Hooks::handle_error`](crate::Hooks::handle_error),
/// whose default logs client faults (a reset, a timeout) at `debug`, other
/// errors at `warn` and panics at `error`.
#[derive(Debug)]
#[non_exhaustive]
pub enum Failure {
    /// The handler returned an error.
    Io(io::Error),
    /// The handler panicked; the panic message, when it was a string.
    Panic(String),
}

impl Failure {
    /// Whether a client caused this by going away or going quiet: a reset,
    /// a broken pipe, an early end of stream or a timeout. Such failures are
    /// routine for a public server and logged at `debug`.
    ///
    /// # Examples
    ///
    /// ```
    /// use socketserver::Failure;
    /// use std::io;
    ///
    /// let reset = Failure::Io(io::ErrorKind::ConnectionReset.into());
    /// assert!(reset.is_client_fault());
    /// assert!(!Failure::Panic("bug".into()).is_client_fault());
    /// ```
    pub fn is_client_fault(&self) -> bool {
        match self {
            Failure::Io(err) => is_client_fault(err),
            Failure::Panic(_) => false,
        }
    }

    pub(crate) fn from_panic(payload: Box<dyn Any + Send>) -> Failure {
        let message = match payload.downcast::<String>() {
            Ok(text) => *text,
            Err(payload) => match payload.downcast::<&'static str>() {
                Ok(text) => (*text).to_string(),
                Err(_) => "a panic with a non-string payload".to_string(),
            },
        };
        Failure::Panic(message)
    }
}

/// Whether an I/O error is one a client can cause by resetting, closing or
/// stalling its connection.
pub(crate) fn is_client_fault(err: &io::Error) -> bool {
    use io::ErrorKind::*;
    matches!(
        err.kind(),
        ConnectionReset
            | ConnectionAborted
            | BrokenPipe
            | UnexpectedEof
            | TimedOut
            | WouldBlock
            | NotConnected
    )
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Io(err) => write!(f, "{err}"),
            Failure::Panic(message) => write!(f, "handler panicked: {message}"),
        }
    }
}
