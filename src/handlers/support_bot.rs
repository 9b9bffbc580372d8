//! An ISP's customer-support bot: a question-and-answer dialogue.

use super::SupportSession;
use crate::{Action, MessageHandler, Reply};

/// An internet provider's automated customer-support bot: it introduces
/// itself, asks diagnostic questions (are the router's lights on? has it
/// been restarted? one device or all?) and reaches a diagnosis, over TCP
/// and UDP alike. The dialogue itself is [`SupportSession`].
///
/// Over a stream the bot speaks first: the introduction and the first
/// question arrive on connect, and the session is the connection. Over
/// datagrams the session is the peer's address (kept by
/// [`Messages`](crate::Messages), expiring after
/// [`session_ttl`](crate::Messages::session_ttl) of silence): a new peer's
/// first datagram, whatever it says, gets the introduction and the first
/// question. `bye` (or `quit`, `exit`, `goodbye`) gets a farewell and ends
/// the session: a stream connection is closed, a datagram peer starts
/// afresh next time. Replies may span several lines.
///
/// # Examples
///
/// ```
/// use socketserver::handlers::SupportBot;
/// use socketserver::{Messages, Server, Tcp};
/// use std::io::{BufRead, BufReader, Write};
///
/// let server = Server::builder(Messages::new(SupportBot)).bind::<Tcp>("127.0.0.1:0")?;
/// let addr = server.local_addr().as_inet().unwrap();
/// let stop = server.shutdown_handle();
/// let serving = std::thread::spawn(move || server.serve_forever());
///
/// let mut client = std::net::TcpStream::connect(addr)?;
/// let mut lines = BufReader::new(client.try_clone()?).lines();
/// assert!(lines.next().unwrap()?.starts_with("Hello, I am Robin"));
/// assert_eq!(lines.next().unwrap()?, "Are the lights on your router on? (yes/no)");
/// client.write_all(b"no\nno\n")?;
/// assert_eq!(lines.next().unwrap()?, "Is the router plugged in and switched on at the wall? (yes/no)");
/// assert!(lines.next().unwrap()?.starts_with("Diagnosis: the router has no power."));
///
/// stop.shutdown();
/// serving.join().unwrap()?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct SupportBot;

impl MessageHandler for SupportBot {
    type Session = SupportSession;

    fn greet(&self, session: &mut SupportSession, reply: &mut Reply<'_>) -> Action {
        reply.push_str(&session.start());
        Action::Continue
    }

    fn handle(&self, session: &mut SupportSession, message: &[u8], reply: &mut Reply<'_>) -> Action {
        let (answer, action) = session.respond(&String::from_utf8_lossy(message));
        reply.push_str(&answer);
        action
    }
}
