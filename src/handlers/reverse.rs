//! Reverse: each message reversed by characters.

use crate::{Action, MessageHandler, Reply};

/// Answers each message with its characters in reverse order, as the
/// classic Python threaded-server example does (`data[::-1]`).
///
/// The message is reversed by Unicode scalar values, so UTF-8 text stays
/// valid UTF-8 (`añb` → `bña`); like Python's `str[::-1]`, combining marks
/// are moved with their code points, not kept with their base letter. A
/// message that is not UTF-8 is not reversed byte by byte (that would
/// send back garbage); it gets the line
/// `ERROR: not UTF-8 (invalid byte at offset N); send UTF-8 text`, and the
/// connection stays open. An empty line is answered with an empty line, so
/// a pipelining client stays in step.
///
/// # Examples
///
/// ```
/// use socketserver::handlers::Reverse;
/// use socketserver::{Messages, Server, Tcp};
/// use std::io::{BufRead, BufReader, Write};
///
/// let server = Server::builder(Messages::new(Reverse)).bind::<Tcp>("127.0.0.1:0")?;
/// let addr = server.local_addr().as_inet().unwrap();
/// let stop = server.shutdown_handle();
/// let serving = std::thread::spawn(move || server.serve_forever());
///
/// let mut client = std::net::TcpStream::connect(addr)?;
/// client.write_all("SNS is the best course ever !\nñandú\n".as_bytes())?;
/// let mut lines = BufReader::new(client).lines();
/// assert_eq!(lines.next().unwrap()?, "! reve esruoc tseb eht si SNS");
/// assert_eq!(lines.next().unwrap()?, "údnañ");
///
/// stop.shutdown();
/// serving.join().unwrap()?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Reverse;

impl Reverse {
    /// `text` with its characters in reverse order.
    pub fn reversed(text: &str) -> String {
        text.chars().rev().collect()
    }
}

impl MessageHandler for Reverse {
    type Session = ();

    fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
        reply.send_even_if_empty();
        match std::str::from_utf8(message) {
            Ok(text) => reply.push_str(&Reverse::reversed(text)),
            Err(err) => reply.push_str(&format!(
                "ERROR: not UTF-8 (invalid byte at offset {}); send UTF-8 text",
                err.valid_up_to()
            )),
        }
        Action::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverses_characters_not_bytes() {
        assert_eq!(Reverse::reversed("abc"), "cba");
        assert_eq!(Reverse::reversed("日本語"), "語本日");
        assert_eq!(Reverse::reversed(""), "");
    }
}
