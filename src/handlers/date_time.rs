//! Date and time on request: `Date`, `Time` or `Date and Time` in, the answer out.

use crate::{Action, MessageHandler, Reply};
use chrono::Local;

/// A clock: the current local date and time.
type Clock = fn() -> chrono::DateTime<Local>;

/// Answers `Date`, `Time` and `Date and Time` with the current local date
/// and time; anything else is sent back upper-cased after `UNKNOWN OPTION: `.
///
/// # Protocol
///
/// Commands ignore case and surrounding spaces (runs of spaces inside
/// count as one):
///
/// | Message | Reply |
/// |---|---|
/// | `Date` | `2019-02-19` |
/// | `Time` | `15:50:40` |
/// | `Date and Time` or `DateAndTime` | `2019-02-19 15:50:44.720747` (always six digits of microseconds) |
/// | anything else, such as `weather` | `UNKNOWN OPTION: WEATHER` (the message as sent, upper-cased) |
///
/// Times are in the local time zone (chrono's [`Local`]). The connection
/// stays open after every reply.
///
/// # Examples
///
/// A fixed clock makes the answers exact:
///
/// ```
/// use chrono::{Local, TimeZone};
/// use socketserver::handlers::DateTime;
///
/// fn clock() -> chrono::DateTime<Local> {
///     Local.with_ymd_and_hms(2019, 2, 19, 15, 50, 44).unwrap()
///         + chrono::Duration::microseconds(720_747)
/// }
///
/// let server = DateTime::with_clock(clock);
/// assert_eq!(server.answer("Date"), "2019-02-19");
/// assert_eq!(server.answer("time"), "15:50:44");
/// assert_eq!(server.answer("DateAndTime"), "2019-02-19 15:50:44.720747");
/// assert_eq!(server.answer("Date and Time"), "2019-02-19 15:50:44.720747");
/// assert_eq!(server.answer("tomorrow"), "UNKNOWN OPTION: TOMORROW");
/// ```
///
/// Served, to a one-shot client that sends one message without a newline
/// and waits for one reply:
///
/// ```
/// use socketserver::handlers::DateTime;
/// use socketserver::{Messages, Server, Tcp};
/// use std::io::{Read, Write};
/// use std::time::Duration;
///
/// let clock = Messages::new(DateTime::default()).unterminated_after(Duration::from_millis(100));
/// let server = Server::builder(clock).bind::<Tcp>("127.0.0.1:0")?;
/// let addr = server.local_addr().as_inet().unwrap();
/// let stop = server.shutdown_handle();
/// let serving = std::thread::spawn(move || server.serve_forever());
///
/// let mut client = std::net::TcpStream::connect(addr)?;
/// client.write_all(b"Date")?;
/// let mut answer = [0; 1024];
/// let n = client.read(&mut answer)?;
/// assert_eq!(n, "2019-02-19\n".len());
///
/// stop.shutdown();
/// serving.join().unwrap()?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct DateTime {
    clock: Clock,
}

impl Default for DateTime {
    /// Reads the system clock ([`Local::now`]).
    fn default() -> DateTime {
        DateTime::with_clock(Local::now)
    }
}

impl DateTime {
    /// Answers with the time `clock` gives (for tests, or another time
    /// source).
    pub fn with_clock(clock: fn() -> chrono::DateTime<Local>) -> DateTime {
        DateTime { clock }
    }

    /// The reply to `command` (without the newline).
    pub fn answer(&self, command: &str) -> String {
        let format = match normalised(command).as_str() {
            "date" => "%Y-%m-%d",
            "time" => "%H:%M:%S",
            "date and time" | "dateandtime" => "%Y-%m-%d %H:%M:%S%.6f",
            _ => return format!("UNKNOWN OPTION: {}", command.to_uppercase()),
        };
        (self.clock)().format(format).to_string()
    }
}

/// `command` lower-cased, trimmed, inner runs of spaces made one.
fn normalised(command: &str) -> String {
    command.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

impl MessageHandler for DateTime {
    type Session = ();

    fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
        reply.push_str(&self.answer(&String::from_utf8_lossy(message)));
        Action::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn on_the_hour() -> chrono::DateTime<Local> {
        Local.with_ymd_and_hms(2024, 12, 31, 9, 0, 0).unwrap()
    }

    #[test]
    fn commands_ignore_case_and_spacing() {
        let server = DateTime::with_clock(on_the_hour);
        assert_eq!(server.answer("  DATE "), "2024-12-31");
        assert_eq!(server.answer("date   AND time"), "2024-12-31 09:00:00.000000");
        assert_eq!(server.answer("TiMe"), "09:00:00");
    }

    #[test]
    fn anything_else_is_an_unknown_option_in_upper_case() {
        let server = DateTime::with_clock(on_the_hour);
        assert_eq!(server.answer("DataAndTime"), "UNKNOWN OPTION: DATAANDTIME");
        assert_eq!(server.answer("straße"), "UNKNOWN OPTION: STRASSE");
        assert_eq!(server.answer(""), "UNKNOWN OPTION: ");
    }
}
