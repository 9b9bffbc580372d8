//! The static file server: `python -m http.server`, confined to its root.

use super::byte_range::ByteRange;
use super::listing::listing_page;
use super::redirect::directory_location;
use super::resolve::{forbidden, inside, resolve};
use crate::http::{HttpHandler, HttpRequest, HttpResponse, Method};
use std::fs::{self, File, Metadata};
use std::io::{self, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Serves the files under one directory, and nothing outside it.
///
/// - Files get a `Content-Type` guessed from their extension, a
///   `Last-Modified`, and `Accept-Ranges: bytes`.
/// - `If-Modified-Since` not older than the file answers `304`.
/// - A single `Range: bytes=...` answers `206` with `Content-Range`, or
///   `416` when it lies past the end; several ranges, or an `If-Range`
///   that does not match, get the whole file.
/// - A directory is served by its `index.html`, else by an HTML listing
///   (sorted, names escaped, links percent-encoded); a directory path
///   without its final `/` is redirected (`301`) to the path with it.
/// - No request reaches outside the root: `..` and `.` segments, and
///   segments holding `/`, `\` or NUL once percent-decoded (`%2e%2e`,
///   `%2f`, `%5c`, `%00`), get `403` without touching the file system;
///   the rest is canonicalized (resolving symlinks) and must still lie
///   under the canonical root, so a symlink pointing outside gets `403`.
///   Only regular files and directories are served: a FIFO or device
///   gets `403`.
/// - `GET` and `HEAD` only; other methods get `405`.
///
/// A symlink swapped in between the check and the open could still be
/// followed; do not serve a directory that untrusted local users can
/// write to.
///
/// # Examples
///
/// ```
/// use socketserver::handlers::StaticFiles;
/// use socketserver::http::Http;
/// use socketserver::{Server, Tcp};
/// use std::io::{Read, Write};
///
/// let root = std::env::temp_dir().join(format!("static-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&root)?;
/// std::fs::write(root.join("hi.txt"), "hi there")?;
///
/// let server = Server::builder(Http::new(StaticFiles::new(&root)?)).bind::<Tcp>("127.0.0.1:0")?;
/// let addr = server.local_addr().as_inet().unwrap();
/// let stop = server.shutdown_handle();
/// let serving = std::thread::spawn(move || server.serve_forever());
///
/// let mut client = std::net::TcpStream::connect(addr)?;
/// client.write_all(b"GET /hi.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?;
/// let mut answer = String::new();
/// client.read_to_string(&mut answer)?;
/// assert!(answer.contains("Content-Type: text/plain"));
/// assert!(answer.ends_with("hi there"));
///
/// stop.shutdown();
/// serving.join().unwrap()?;
/// std::fs::remove_dir_all(&root)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct StaticFiles {
    root: PathBuf,
}

impl StaticFiles {
    /// Serves the directory `root`.
    ///
    /// # Errors
    ///
    /// Fails when `root` does not exist or is not a directory.
    pub fn new(root: impl Into<PathBuf>) -> io::Result<StaticFiles> {
        let given = root.into();
        let root = given
            .canonicalize()
            .map_err(|err| io::Error::new(err.kind(), format!("cannot serve {}: {err}", given.display())))?;
        if !root.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("cannot serve {}: it is not a directory; give a directory to serve", given.display()),
            ));
        }
        Ok(StaticFiles { root })
    }

    /// The directory served, canonicalized.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn serve(&self, req: &HttpRequest) -> Result<HttpResponse, HttpResponse> {
        let raw = req.path();
        let path = resolve(&self.root, raw)?;
        let meta = fs::metadata(&path).map_err(|_| forbidden())?;
        if meta.is_dir() {
            return self.directory(req, &path);
        }
        if !meta.is_file() {
            return Err(forbidden());
        }
        file(req, &path, &meta)
    }

    /// A directory: redirect to its `/` form, then `index.html` or a listing.
    fn directory(&self, req: &HttpRequest, dir: &Path) -> Result<HttpResponse, HttpResponse> {
        let raw = req.path();
        if !raw.ends_with('/') {
            let location = directory_location(raw, req.query());
            return HttpResponse::text(301, format!("301 Moved Permanently: see {location}\n"))
                .header("Location", &location)
                .map_err(|_| forbidden());
        }
        let index = dir.join("index.html");
        if index.is_file() {
            let index = inside(&self.root, &index)?;
            let meta = fs::metadata(&index).map_err(|_| forbidden())?;
            return file(req, &index, &meta);
        }
        let page = listing_page(dir, raw).map_err(|_| forbidden())?;
        Ok(HttpResponse::html(200, page))
    }
}

/// A regular file: 304, 206, 416 or 200.
fn file(req: &HttpRequest, path: &Path, meta: &Metadata) -> Result<HttpResponse, HttpResponse> {
    let modified = meta.modified().ok();
    let last_modified = modified.map(httpdate::fmt_http_date);
    if let (Some(modified), Some(since)) = (modified, req.header("if-modified-since")) {
        if not_modified_since(modified, since) {
            let response = HttpResponse::new(304);
            return with_last_modified(response, last_modified.as_deref());
        }
    }
    let len = meta.len();
    let range = match req.header("if-range") {
        Some(tag) if Some(tag.trim()) != last_modified.as_deref() => ByteRange::Whole,
        _ => ByteRange::parse(req.header("range"), len),
    };
    let content_type = mime_guess::from_path(path).first_or_octet_stream().to_string();
    let mut file = File::open(path).map_err(|_| forbidden())?;
    let response = match range {
        ByteRange::Whole => HttpResponse::new(200).sized_body(file, len),
        ByteRange::Part { first, last } => {
            file.seek(SeekFrom::Start(first)).map_err(|_| forbidden())?;
            HttpResponse::new(206)
                .sized_body(file, last - first + 1)
                .header("Content-Range", &format!("bytes {first}-{last}/{len}"))
                .map_err(|_| forbidden())?
        }
        ByteRange::Unsatisfiable => {
            HttpResponse::text(416, format!("416 Range Not Satisfiable: the file has {len} bytes\n"))
                .header("Content-Range", &format!("bytes */{len}"))
                .map_err(|_| forbidden())?
        }
    };
    let response = response
        .header("Content-Type", &content_type)
        .and_then(|r| r.header("Accept-Ranges", "bytes"))
        .map_err(|_| forbidden())?;
    with_last_modified(response, last_modified.as_deref())
}

/// Whether the file is no newer than the client's copy (to the second,
/// the resolution of HTTP dates). An unparsable date is ignored.
fn not_modified_since(modified: SystemTime, since: &str) -> bool {
    match httpdate::parse_http_date(since.trim()) {
        Ok(since) => httpdate::HttpDate::from(modified) <= httpdate::HttpDate::from(since),
        Err(_) => false,
    }
}

fn with_last_modified(
    response: HttpResponse,
    last_modified: Option<&str>,
) -> Result<HttpResponse, HttpResponse> {
    match last_modified {
        Some(date) => response.header("Last-Modified", date).map_err(|_| forbidden()),
        None => Ok(response),
    }
}

impl HttpHandler for StaticFiles {
    fn get(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        Ok(self.serve(req).unwrap_or_else(|refusal| refusal))
    }

    fn unsupported(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        Ok(HttpResponse::method_not_allowed(req.method(), &[Method::Get, Method::Head]))
    }
}
