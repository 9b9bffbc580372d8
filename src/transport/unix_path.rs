//! Socket files: replacing a stale one at bind, removing our own at close.

use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::os::unix::net;
use std::path::{Path, PathBuf};

/// The socket file a server created, removed when dropped if it is still
/// the same file (a later server may have replaced it).
#[derive(Debug)]
pub(crate) struct SocketFile {
    path: PathBuf,
    identity: (u64, u64),
}

impl SocketFile {
    /// Records the file just bound at `path`.
    pub(crate) fn created(path: &Path) -> io::Result<SocketFile> {
        let meta = std::fs::metadata(path)?;
        Ok(SocketFile { path: path.to_path_buf(), identity: (meta.dev(), meta.ino()) })
    }
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        let ours = std::fs::metadata(&self.path)
            .map(|meta| (meta.dev(), meta.ino()) == self.identity)
            .unwrap_or(false);
        if ours {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Makes `path` free to bind: removes a socket file no server answers on;
/// refuses a live socket or a file that is not a socket.
pub(crate) fn clear_stale(path: &Path) -> io::Result<()> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(err),
    };
    if !meta.file_type().is_socket() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists and is not a socket; refusing to replace it", path.display()),
        ));
    }
    if is_live(path) {
        return Err(io::Error::new(
            io::ErrorKind::AddrInUse,
            format!("a server is already listening on {}", path.display()),
        ));
    }
    log::info!("replacing stale socket file {}", path.display());
    std::fs::remove_file(path)
}

/// Whether a server answers on the socket at `path`, stream or datagram.
fn is_live(path: &Path) -> bool {
    match net::UnixStream::connect(path) {
        Ok(_) => true,
        Err(err) if err.kind() == io::ErrorKind::ConnectionRefused => false,
        Err(_) => net::UnixDatagram::unbound().and_then(|socket| socket.connect(path)).is_ok(),
    }
}
