//! Echo: every byte back (seeds 000, 001, 002).

use crate::{Connection, Datagram, RequestHandler, Tcp, Udp};
#[cfg(unix)]
use crate::{UnixDatagram, UnixStream};
use std::io;

/// Sends every byte back as it arrives, any size, any chunking: a raw
/// [`RequestHandler`], not bound to lines. Over datagrams, each datagram
/// is answered with itself.
///
/// # Examples
///
/// ```
/// use socketserver::handlers::Echo;
/// use socketserver::{Server, Tcp};
/// use std::io::{Read, Write};
///
/// let server = Server::builder(Echo).bind::<Tcp>("127.0.0.1:0")?;
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

/// First size of the copy buffer: a page, so a connection that echoes a
/// few bytes costs no more than that.
const FIRST_CHUNK: usize = 4 * 1024;
/// Largest size of the copy buffer, reached when reads keep filling it.
const CHUNK: usize = 64 * 1024;

impl Echo {
    fn echo_stream(conn: &mut Connection) -> io::Result<()> {
        // Profiling per-request connections showed zeroing a 64 KiB buffer
        // up front (memset and page faults) as a visible cost; the buffer
        // now grows only for clients that send that much.
        let mut chunk = vec![0; FIRST_CHUNK];
        let stream = conn.stream();
        loop {
            let n = match io::Read::read(&mut &*stream, &mut chunk) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            io::Write::write_all(&mut &*stream, &chunk[..n])?;
            if n == chunk.len() && chunk.len() < CHUNK {
                chunk.resize(chunk.len() * 4, 0);
            }
        }
    }
}

macro_rules! echo_over {
    ($transport:ty, Connection) => {
        impl RequestHandler<$transport> for Echo {
            fn handle(&self, conn: &mut Connection) -> io::Result<()> {
                Echo::echo_stream(conn)
            }
        }
    };
    ($transport:ty, Datagram) => {
        impl RequestHandler<$transport> for Echo {
            fn handle(&self, datagram: &mut Datagram) -> io::Result<()> {
                datagram.reply(datagram.data())
            }
        }
    };
}

echo_over!(Tcp, Connection);
echo_over!(Udp, Datagram);
#[cfg(unix)]
echo_over!(UnixStream, Connection);
#[cfg(unix)]
echo_over!(UnixDatagram, Datagram);
