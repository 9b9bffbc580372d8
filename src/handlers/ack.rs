//! Ack: `OK...` and the message back.

use crate::{Action, MessageHandler, Reply};

/// Acknowledges every message with `OK...` followed by the message, as
/// the classic Python UDP-server example does (`reply = 'OK...' + data`),
/// over any transport.
///
/// The message is sent back byte for byte (without its newline, which the
/// framing strips and adds back), so `hello` gets `OK...hello` and an empty
/// message gets `OK...`. The prefix is three ASCII full stops, not the
/// typographic ellipsis (`…`) that printed copies of that example show.
///
/// # Examples
///
/// ```
/// use socketserver::handlers::Ack;
/// use socketserver::{Messages, Server, Udp};
///
/// let server = Server::builder(Messages::new(Ack)).bind::<Udp>("127.0.0.1:0")?;
/// let addr = server.local_addr().as_inet().unwrap();
/// let stop = server.shutdown_handle();
/// let serving = std::thread::spawn(move || server.serve_forever());
///
/// let client = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// client.send_to(b"hello", addr)?;
/// let mut answer = [0; 1024];
/// let n = client.recv(&mut answer)?;
/// assert_eq!(&answer[..n], b"OK...hello\n");
///
/// stop.shutdown();
/// serving.join().unwrap()?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Ack;

/// What every reply starts with.
const PREFIX: &[u8] = b"OK...";

impl MessageHandler for Ack {
    type Session = ();

    fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
        reply.push(PREFIX);
        reply.push(message);
        Action::Continue
    }
}
