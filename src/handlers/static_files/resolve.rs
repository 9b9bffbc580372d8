//! Mapping a request path to a file inside the root, and nowhere else.

use crate::http::HttpResponse;
use percent_encoding::percent_decode_str;
use std::ffi::OsStr;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// The canonical file or directory a request path names, proven to lie
/// inside `root` (itself canonical).
///
/// Each `/`-separated segment is percent-decoded on its own; a decoded
/// segment that is `.` or `..`, or that holds `/`, `\` or NUL (`%2e%2e`,
/// `%2f`, `%5c`, `%00` included), is refused with 403 before the file
/// system is touched. The joined path is then canonicalized, which
/// resolves every symlink, and must still start with the root: a symlink
/// pointing outside is refused with 403 too.
///
/// # Errors
///
/// The response to send instead: 400 for a path not starting with `/`,
/// 403 for a way out of the root, 404 for nothing there.
pub(super) fn resolve(root: &Path, raw: &str) -> Result<PathBuf, HttpResponse> {
    if !raw.starts_with('/') {
        return Err(HttpResponse::text(400, "400 Bad Request: the path must start with /\n"));
    }
    let mut path = root.to_path_buf();
    for segment in raw.split('/').filter(|s| !s.is_empty()) {
        let decoded: Vec<u8> = percent_decode_str(segment).collect();
        if is_forbidden(&decoded) {
            return Err(forbidden());
        }
        path.push(OsStr::from_bytes(&decoded));
    }
    inside(root, &path)
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

pub(super) fn is_forbidden(segment: &[u8]) -> bool {
    segment == b"." || segment == b".." || segment.iter().any(|&b| matches!(b, b'/' | b'\\' | 0))
}

pub(super) fn forbidden() -> HttpResponse {
    HttpResponse::text(403, "403 Forbidden: that path is outside the served directory or not allowed\n")
}

pub(super) fn not_found() -> HttpResponse {
    HttpResponse::text(404, "404 Not Found: no such file in the served directory\n")
}
