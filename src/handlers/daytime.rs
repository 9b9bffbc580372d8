//! Daytime: the date and time, then close (RFC 867).

use crate::{Action, MessageHandler, Reply};
use chrono::Local;

/// The Daytime Protocol (RFC 867), for a time client that connects to port
/// 13 and reads: over a stream the server sends the date and time as soon
/// as the client connects, then closes, whatever the client sends; over
/// datagrams it answers every datagram (its content ignored, an empty one
/// included) with one datagram holding the date and time.
///
/// The line follows RFC 867's suggested form, weekday, month day, year,
/// time and zone, in the local time zone with its UTC offset:
/// `Tuesday, February 19, 2019 15:50:40+01:00`, ended by a newline.
///
/// # Examples
///
/// ```
/// use socketserver::handlers::Daytime;
/// use socketserver::{Messages, Server, Tcp};
/// use std::io::Read;
///
/// let server = Server::builder(Messages::new(Daytime::default())).bind::<Tcp>("127.0.0.1:0")?;
/// let addr = server.local_addr().as_inet().unwrap();
/// let stop = server.shutdown_handle();
/// let serving = std::thread::spawn(move || server.serve_forever());
///
/// let mut client = std::net::TcpStream::connect(addr)?;
/// let mut line = String::new();
/// client.read_to_string(&mut line)?; // the server closes after the line
/// assert!(line.ends_with('\n') && line.contains(", "));
///
/// stop.shutdown();
/// serving.join().unwrap()?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Daytime {
    clock: fn() -> chrono::DateTime<Local>,
}

impl Default for Daytime {
    /// Reads the system clock ([`Local::now`]).
    fn default() -> Daytime {
        Daytime::with_clock(Local::now)
    }
}

impl Daytime {
    /// Tells the time `clock` gives (for tests, or another time source).
    ///
    /// # Examples
    ///
    /// ```
    /// use chrono::{Local, TimeZone};
    /// use socketserver::handlers::Daytime;
    ///
    /// fn clock() -> chrono::DateTime<Local> {
    ///     Local.with_ymd_and_hms(2019, 2, 19, 15, 50, 40).unwrap()
    /// }
    ///
    /// let line = Daytime::with_clock(clock).line();
    /// assert!(line.starts_with("Tuesday, February 19, 2019 15:50:40"), "{line}");
    /// ```
    pub fn with_clock(clock: fn() -> chrono::DateTime<Local>) -> Daytime {
        Daytime { clock }
    }

    /// The date-time line now (without the newline).
    pub fn line(&self) -> String {
        (self.clock)().format("%A, %B %-d, %Y %H:%M:%S%:z").to_string()
    }
}

impl MessageHandler for Daytime {
    type Session = ();

    /// Sends the line and closes: a stream client needs to send nothing.
    fn greet(&self, _: &mut (), reply: &mut Reply<'_>) -> Action {
        reply.push_str(&self.line());
        Action::Close
    }

    /// Answers a datagram, whatever it holds.
    fn handle(&self, _: &mut (), _message: &[u8], reply: &mut Reply<'_>) -> Action {
        reply.push_str(&self.line());
        Action::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn clock() -> chrono::DateTime<Local> {
        Local.with_ymd_and_hms(2019, 2, 19, 15, 50, 40).unwrap()
    }

    #[test]
    fn the_line_reads_as_rfc_867_suggests() {
        let line = Daytime::with_clock(clock).line();
        let offset = clock().format("%:z").to_string();
        assert_eq!(line, format!("Tuesday, February 19, 2019 15:50:40{offset}"));
    }
}
