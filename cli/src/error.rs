//! The one error type of the command line: a message for people and the
//! exit status it earns.

use std::fmt;
use std::process::ExitCode;

/// What went wrong, said once, and how the process should exit: status 2
/// for bad input (flags, config, data files), 1 for a failure at run time
/// (a port in use, a refused connection).
#[derive(Debug)]
pub struct CliError {
    message: String,
    status: u8,
}

impl CliError {
    /// Bad input from the user: exit status 2, nothing started.
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError { message: message.into(), status: 2 }
    }

    /// A failure while running: exit status 1.
    pub fn runtime(message: impl Into<String>) -> CliError {
        CliError { message: message.into(), status: 1 }
    }

    /// The exit status this error earns.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.status)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
