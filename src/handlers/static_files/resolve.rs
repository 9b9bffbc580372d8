//! Mapping a request path to a file inside the root, and nowhere else,
//! and opening it.

use crate::http::HttpResponse;
use percent_encoding::percent_decode_str;
use std::ffi::OsStr;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// The served directory: its canonical path and, on Linux, a descriptor
/// of it that paths are opened beneath.
#[derive(Clone, Debug)]
pub(super) struct Root {
    path: PathBuf,
    #[cfg(target_os = "linux")]
    dir: std::sync::Arc<File>,
}

/// A file or directory inside the root, opened: its path (the root
/// joined with the request's segments), the open file and its metadata.
#[derive(Debug)]
pub(super) struct Opened {
    pub(super) path: PathBuf,
    pub(super) file: File,
    pub(super) meta: Metadata,
}

impl Root {
    /// The root at `path`, already canonical.
    ///
    /// # Errors
    ///
    /// Fails when the directory cannot be opened.
    pub(super) fn new(path: PathBuf) -> io::Result<Root> {
        #[cfg(target_os = "linux")]
        let dir = std::sync::Arc::new(
            OpenOptions::new().read(true).custom_flags(libc::O_DIRECTORY | libc::O_PATH).open(&path)?,
        );
        Ok(Root {
            path,
            #[cfg(target_os = "linux")]
            dir,
        })
    }

    /// The canonical path.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Opens what `relative` names (see [`relative`]) inside the root.
    ///
    /// On Linux one `openat2(2)` with `RESOLVE_BENEATH` opens it
    /// relative to the root's descriptor, the kernel refusing any way out
    /// (`..`, a symlink leading outside or an absolute one); only when it
    /// refuses, or the call is missing, is the path canonicalized
    /// (resolving every symlink) and checked to start with the root, the
    /// way other platforms always go. So a symlink inside the root
    /// pointing elsewhere inside still works, and one pointing outside
    /// gets 403. Opened with `O_NONBLOCK` (a FIFO does not block the
    /// open), then refused with 403 unless a regular file or directory.
    ///
    /// # Errors
    ///
    /// The response to send instead: 404 when nothing is there, 403 for
    /// a way out of the root or what cannot be opened.
    pub(super) fn open(&self, relative: &Path) -> Result<Opened, HttpResponse> {
        #[cfg(target_os = "linux")]
        match self.open_beneath(relative) {
            Ok(file) => return self.opened(self.path.join(relative), file),
            Err(err) if matches!(err.raw_os_error(), Some(libc::ENOENT | libc::ENOTDIR)) => {
                return Err(not_found())
            }
            Err(err) if err.raw_os_error() == Some(libc::EACCES) => return Err(forbidden()),
            Err(_) => {}
        }
        let path = inside(&self.path, &self.path.join(relative))?;
        let meta = fs::metadata(&path).map_err(|_| forbidden())?;
        if !meta.is_file() && !meta.is_dir() {
            return Err(forbidden());
        }
        let file = open_nonblocking(&path).map_err(|_| forbidden())?;
        self.opened(path, file)
    }

    fn opened(&self, path: PathBuf, file: File) -> Result<Opened, HttpResponse> {
        let meta = file.metadata().map_err(|_| forbidden())?;
        if !meta.is_file() && !meta.is_dir() {
            return Err(forbidden());
        }
        Ok(Opened { path, file, meta })
    }

    /// `openat2(root, relative, O_RDONLY | O_NONBLOCK, RESOLVE_BENEATH |
    /// RESOLVE_NO_MAGICLINKS)`.
    #[cfg(target_os = "linux")]
    fn open_beneath(&self, relative: &Path) -> io::Result<File> {
        use std::os::fd::{AsRawFd, FromRawFd};
        let relative = if relative.as_os_str().is_empty() { Path::new(".") } else { relative };
        let name = std::ffi::CString::new(relative.as_os_str().as_bytes())?;
        let flags = libc::O_RDONLY | libc::O_NONBLOCK | libc::O_CLOEXEC | libc::O_NOCTTY;
        // SAFETY: open_how is plain data; zeroed is a valid value.
        let mut how: libc::open_how = unsafe { std::mem::zeroed() };
        how.flags = flags as u64;
        how.resolve = libc::RESOLVE_BENEATH | libc::RESOLVE_NO_MAGICLINKS;
        // SAFETY: the root descriptor is open, `name` is NUL-terminated,
        // `how` is valid for the size passed.
        let fd = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                self.dir.as_raw_fd(),
                name.as_ptr(),
                &how as *const libc::open_how,
                std::mem::size_of::<libc::open_how>(),
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: the kernel returned a new descriptor that nothing else owns.
        Ok(unsafe { File::from_raw_fd(fd as i32) })
    }
}

/// The path relative to the root that a request path names: each
/// `/`-separated segment percent-decoded on its own, empty ones dropped.
/// A decoded segment that is `.` or `..`, or that holds `/`, `\` or NUL
/// (`%2e%2e`, `%2f`, `%5c`, `%00` included), is refused with 403 before
/// the file system is touched.
///
/// # Errors
///
/// The response to send instead: 400 for a path not starting with `/`,
/// 403 for a forbidden segment.
pub(super) fn relative(raw: &str) -> Result<PathBuf, HttpResponse> {
    if !raw.starts_with('/') {
        return Err(HttpResponse::text(400, "400 Bad Request: the path must start with /\n"));
    }
    let mut path = PathBuf::new();
    for segment in raw.split('/').filter(|s| !s.is_empty()) {
        let decoded: Vec<u8> = percent_decode_str(segment).collect();
        if is_forbidden(&decoded) {
            return Err(forbidden());
        }
        path.push(OsStr::from_bytes(&decoded));
    }
    Ok(path)
}

/// Opens a file for reading without blocking on a FIFO.
fn open_nonblocking(path: &Path) -> io::Result<File> {
    OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)
}

/// Canonicalizes `path` and checks it is still inside `root`.
///
/// # Errors
///
/// 404 when nothing is there, 403 when it lies outside or cannot be read.
pub(super) fn inside(root: &Path, path: &Path) -> Result<PathBuf, HttpResponse> {
    match path.canonicalize() {
        Ok(canonical) if canonical.starts_with(root) => Ok(canonical),
        Ok(_) => Err(forbidden()),
        Err(err)
            if matches!(err.kind(), io::ErrorKind::NotFound) || err.raw_os_error() == Some(libc::ENOTDIR) =>
        {
            Err(not_found())
        }
        Err(_) => Err(forbidden()),
    }
}

/// Whether a decoded segment (or a configured file name) could leave
/// its directory.
pub(super) fn is_forbidden(segment: &[u8]) -> bool {
    segment == b"." || segment == b".." || segment.iter().any(|&b| matches!(b, b'/' | b'\\' | 0))
}

pub(super) fn forbidden() -> HttpResponse {
    HttpResponse::text(403, "403 Forbidden: that path is outside the served directory or not allowed\n")
}

pub(super) fn not_found() -> HttpResponse {
    HttpResponse::text(404, "404 Not Found: no such file in the served directory\n")
}
