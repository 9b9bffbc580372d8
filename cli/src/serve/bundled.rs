//! The bundled servers built by name: the catalogue (`registry`) says
//! what each is; this is how each is made and served.

use super::transports::{on_any_transport, on_streams};
use crate::error::CliError;
use crate::registry;
use crate::settings::Settings;
use socketserver::handlers::{Ack, AddressBook, DateTime, Daytime, Echo, Qotd, Reverse, SupportBot};
use socketserver::handlers::{Hello, StaticFiles};
use socketserver::http::Http;
use socketserver::{DrainReport, MessageHandler, Messages};
use std::time::Duration;

/// How long a line server waits after a partial line before taking it as
/// a whole message: one-shot clients send one message with no newline
/// and wait for the answer.
const UNTERMINATED_AFTER: Duration = Duration::from_millis(100);

/// Builds the server `settings` name and serves it until a signal.
///
/// # Errors
///
/// A usage error for a bad data file or directory, or a name the
/// catalogue does not have; a runtime error when serving fails.
pub fn by_name(settings: &Settings) -> Result<DrainReport, CliError> {
    match settings.handler.name {
        "address-book" => on_any_transport(lines(address_book(settings)?), settings),
        "datetime" => on_any_transport(lines(DateTime::default()), settings),
        "echo" => on_any_transport(Echo::messages(), settings),
        "reverse" => on_any_transport(lines(Reverse), settings),
        "daytime" => on_any_transport(lines(Daytime::default()), settings),
        "qotd" => on_any_transport(lines(qotd(settings)?), settings),
        "ack" => on_any_transport(lines(Ack), settings),
        "support-bot" => on_any_transport(lines(SupportBot), settings),
        "http" => on_streams(Http::new(Hello), settings),
        "static" => {
            on_streams(Http::new(static_files(settings)?).sendfile(settings.files.sendfile), settings)
        }
        other => Err(registry::unknown(other)),
    }
}

/// A line server as the binary serves it: see [`UNTERMINATED_AFTER`].
fn lines<M: MessageHandler>(handler: M) -> Messages<M> {
    Messages::new(handler).unterminated_after(UNTERMINATED_AFTER)
}

fn address_book(settings: &Settings) -> Result<AddressBook, CliError> {
    match &settings.data {
        Some(path) => AddressBook::load(path).map_err(|err| bad_data(&err)),
        None => Ok(AddressBook::default()),
    }
}

fn qotd(settings: &Settings) -> Result<Qotd, CliError> {
    match &settings.data {
        Some(path) => Qotd::load(path).map_err(|err| bad_data(&err)),
        None => Ok(Qotd::default()),
    }
}

fn bad_data(err: &str) -> CliError {
    CliError::usage(format!("bad --data file (`data`): {err}"))
}

fn static_files(settings: &Settings) -> Result<StaticFiles, CliError> {
    let files = StaticFiles::new(&settings.dir)
        .map_err(|err| CliError::usage(format!("bad --dir (`dir`): {err}")))?;
    settings.files.apply(files)
}
