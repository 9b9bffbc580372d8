//! Echo: every byte back (RFC 862).

use crate::{Action, Framing, MessageHandler, Messages, Reply};

/// Sends every byte back as it arrives, any size, any chunking: a
/// [`MessageHandler`] on [`Framing::Bytes`], so its connections wait in
/// the server's poller, not in threads. Over datagrams, each datagram is
/// answered with itself. Serve it as [`Echo::messages`].
///
/// # Examples
///
/// ```
/// use socketserver::handlers::Echo;
/// use socketserver::{Server, Tcp};
/// use std::io::{Read, Write};
///
/// let server = Server::builder(Echo::messages()).bind::<Tcp>("127.0.0.1:0")?;
/// let addr = server.local_addr().as_inet().unwrap();
/// let stop = server.shutdown_handle();
/// let serving = std::thread::spawn(move || server.serve_forever());
///
/// let mut client = std::net::TcpStream::connect(addr)?;
/// client.write_all(b"ping")?;
/// client.shutdown(std::net::Shutdown::Write)?;
/// let mut back = Vec::new();
/// client.read_to_end(&mut back)?;
/// assert_eq!(back, b"ping");
///
/// stop.shutdown();
/// serving.join().unwrap()?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Echo;

impl Echo {
    /// Echo wrapped for serving: `Messages::new(Echo)` with
    /// [`Framing::Bytes`].
    pub fn messages() -> Messages<Echo> {
        Messages::new(Echo).framing(Framing::Bytes)
    }
}

impl MessageHandler for Echo {
    type Session = ();

    fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
        reply.push(message);
        Action::Continue
    }
}
