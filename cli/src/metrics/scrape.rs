//! The supervisor's scrape of one child's metrics.

use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

/// How long a child has to answer a scrape.
const PATIENCE: Duration = Duration::from_secs(2);

/// Asks the child whose metrics socket is `path` for `/metrics`; the
/// exposition text.
///
/// # Errors
///
/// Fails when the child does not answer in time or answers other than
/// `200`.
pub fn scrape(path: &Path) -> io::Result<String> {
    let mut stream = UnixStream::connect(path)?;
    stream.set_read_timeout(Some(PATIENCE))?;
    stream.set_write_timeout(Some(PATIENCE))?;
    stream.write_all(b"GET /metrics HTTP/1.0\r\nHost: child\r\n\r\n")?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    match head.split(' ').nth(1) {
        Some("200") => Ok(body.to_string()),
        _ => Err(io::Error::new(io::ErrorKind::InvalidData, format!("the child answered {head:?}"))),
    }
}
