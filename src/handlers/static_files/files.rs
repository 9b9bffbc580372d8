//! The static file server: `python -m http.server`, confined to its root.

use super::cache_rule::CacheRule;
use super::file_response::{file_response, FileOptions};
use super::listing::listing_page;
use super::redirect::directory_location;
use super::resolve::{forbidden, is_forbidden, relative, Root};
use crate::http::{HttpHandler, HttpRequest, HttpResponse, Method};
use percent_encoding::percent_decode_str;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Serves the files under one directory, and nothing outside it.
///
/// - Files get a `Content-Type` guessed from their extension, a strong
///   `ETag` (size, modification time, inode), a `Last-Modified`, and
///   `Accept-Ranges: bytes`; their bodies go by `sendfile(2)` where the
///   connection allows (see [`HttpResponse::file_body`]).
/// - Each file is answered by the HTTP layer's rules, as a
///   [`Representation`](crate::http::Representation) any handler can use
///   for its own bodies.
/// - Preconditions in the order of RFC 9110 §13.2.2: `If-Match` and
///   `If-Unmodified-Since` answer `412` when they fail, `If-None-Match`
///   (weak comparison, `*`) and, only without it, `If-Modified-Since`
///   answer `304`.
/// - `Range: bytes=...` answers `206`: one range with `Content-Range`,
///   several as `multipart/byteranges` (overlapping ones merged; more
///   than 16 get the whole file); `416` when none lies inside the file;
///   an `If-Range` that does not match gets the whole file.
/// - `file.br`, `file.zst` or `file.gz` beside a file is sent to a client
///   whose `Accept-Encoding` prefers it, with its own `ETag`
///   ([`precompressed`](Self::precompressed)); with the `gzip` feature,
///   text can be compressed on the fly (`StaticFiles::gzip`), never for a
///   range. Every response whose content could have been negotiated (a
///   sibling exists, or the file is fit for gzip) carries
///   `Vary: Accept-Encoding`, even to a request without `Accept-Encoding`
///   (RFC 9110 §12.5.5).
/// - A directory is served by its index file ([`index_names`](Self::index_names),
///   default `index.html`), else by an HTML listing (sorted, sizes,
///   dates, names escaped, links percent-encoded, light and dark); a
///   directory path without its final `/` is redirected (`301`) to a
///   `Location` rebuilt from its decoded segments, which can never start
///   with `//` or a scheme (no open redirect).
/// - No request reaches outside the root: `..` and `.` segments, and
///   segments holding `/`, `\` or NUL once percent-decoded (`%2e%2e`,
///   `%2f`, `%5c`, `%00`), get `403` without touching the file system;
///   on Linux the rest is opened with `openat2(RESOLVE_BENEATH)` below
///   the root, and whatever the kernel refuses (or everything, elsewhere)
///   is canonicalized (resolving symlinks) and must still lie under the
///   canonical root, so a symlink pointing outside gets `403`. Only
///   regular files and directories are served: a FIFO or device gets
///   `403`.
/// - Operators' settings: [`cache_control`](Self::cache_control) by path
///   prefix or extension, extra [`header`](Self::header) fields, a
///   [`not_found_page`](Self::not_found_page).
/// - `GET` and `HEAD` only; other methods get `405`.
///
/// Where a path had to be canonicalized, a symlink swapped in between the
/// check and the open could still be followed; do not serve a directory
/// that untrusted local users can write to.
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
    root: Root,
    index: Vec<String>,
    cache: Vec<CacheRule>,
    headers: Vec<(String, String)>,
    not_found: Option<(Vec<u8>, String)>,
    precompressed: bool,
    gzip_min: Option<u64>,
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
        Ok(StaticFiles {
            root: Root::new(root)?,
            index: vec!["index.html".to_string()],
            cache: Vec::new(),
            headers: Vec::new(),
            not_found: None,
            precompressed: true,
            gzip_min: None,
        })
    }

    /// The directory served, canonicalized.
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// The file names that serve a directory, tried in order; with none
    /// found the directory is listed. Default: `index.html`.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for an empty name, `.`, `..`, or one holding `/`,
    /// `\` or NUL.
    pub fn index_names<S: Into<String>>(
        mut self,
        names: impl IntoIterator<Item = S>,
    ) -> io::Result<StaticFiles> {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        if let Some(bad) = names.iter().find(|n| n.is_empty() || is_forbidden(n.as_bytes())) {
            return Err(invalid(format!(
                "the index name {bad:?} is not a plain file name; give names such as index.html"
            )));
        }
        self.index = names;
        Ok(self)
    }

    /// Sends `Cache-Control: value` with successful responses (and 304s)
    /// for the paths `pattern` covers: a path prefix (`/assets/`) or an
    /// extension (`*.css`). Rules are tried in the order added; the first
    /// that covers a path wins.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a pattern of another shape or a value with a
    /// control character.
    pub fn cache_control(mut self, pattern: &str, value: &str) -> io::Result<StaticFiles> {
        self.cache.push(CacheRule::new(pattern, value)?);
        Ok(self)
    }

    /// Adds a header field to every response (a security policy, say).
    ///
    /// # Errors
    ///
    /// As [`HttpResponse::header`]: a name that is not a token, a value
    /// with a control character, or a framing header.
    pub fn header(mut self, name: &str, value: &str) -> io::Result<StaticFiles> {
        HttpResponse::new(200).header(name, value)?;
        self.headers.push((name.to_string(), value.to_string()));
        Ok(self)
    }

    /// Answers `404` with the content of this file (read now, its type
    /// guessed from its name) instead of a line of text.
    ///
    /// # Errors
    ///
    /// Fails when the file cannot be read.
    pub fn not_found_page(mut self, page: impl AsRef<Path>) -> io::Result<StaticFiles> {
        let page = page.as_ref();
        let bytes = fs::read(page).map_err(|err| {
            io::Error::new(err.kind(), format!("cannot read the 404 page {}: {err}", page.display()))
        })?;
        self.not_found = Some((bytes, mime_guess::from_path(page).first_or_text_plain().to_string()));
        Ok(self)
    }

    /// Whether `file.br`, `file.zst` and `file.gz` beside a file are sent
    /// to clients that accept them. Default: `true`.
    pub fn precompressed(mut self, on: bool) -> StaticFiles {
        self.precompressed = on;
        self
    }

    /// Compresses text files of at least `min_size` bytes with gzip as
    /// they are sent, for clients that accept it and did not ask for a
    /// range (`None`, the default: never). Needs the `gzip` feature.
    #[cfg(feature = "gzip")]
    pub fn gzip(mut self, min_size: Option<u64>) -> StaticFiles {
        self.gzip_min = min_size;
        self
    }

    fn serve(&self, req: &HttpRequest) -> HttpResponse {
        let response = self.find(req).unwrap_or_else(|refusal| refusal);
        self.decorate(response, req.path())
    }

    fn find(&self, req: &HttpRequest) -> Result<HttpResponse, HttpResponse> {
        let relative = relative(req.path())?;
        let opened = self.root.open(&relative).map_err(|refusal| self.custom(refusal))?;
        if opened.meta.is_dir() {
            return self.directory(req, &relative, &opened.path);
        }
        file_response(req, opened, self.file_options())
    }

    fn file_options(&self) -> FileOptions<'_> {
        FileOptions { root: self.root.path(), precompressed: self.precompressed, gzip_min: self.gzip_min }
    }

    /// A directory: redirect to its `/` form, then an index file or a
    /// listing.
    fn directory(
        &self,
        req: &HttpRequest,
        relative: &Path,
        dir: &Path,
    ) -> Result<HttpResponse, HttpResponse> {
        let raw = req.path();
        if !raw.ends_with('/') {
            let location = directory_location(raw, req.query());
            return HttpResponse::text(301, format!("301 Moved Permanently: see {location}\n"))
                .header("Location", &location)
                .map_err(|_| forbidden());
        }
        for name in &self.index {
            match self.root.open(&relative.join(name)) {
                Ok(index) if index.meta.is_file() => return file_response(req, index, self.file_options()),
                Err(refusal) if refusal.status() == 403 => return Err(refusal),
                _ => {}
            }
        }
        let page = listing_page(dir, raw).map_err(|_| forbidden())?;
        Ok(HttpResponse::html(200, page))
    }

    /// The operator's 404 page in place of the plain one.
    fn custom(&self, refusal: HttpResponse) -> HttpResponse {
        match &self.not_found {
            Some((page, content_type)) if refusal.status() == 404 => {
                HttpResponse::new(404).body(page.clone()).typed_header("Content-Type", content_type.clone())
            }
            _ => refusal,
        }
    }

    /// Adds the operator's `Cache-Control` (to 2xx and 304) and extra
    /// header fields.
    fn decorate(&self, response: HttpResponse, raw: &str) -> HttpResponse {
        let cacheable = (200..300).contains(&response.status()) || response.status() == 304;
        let path = percent_decode_str(raw).decode_utf8_lossy();
        let cache = self.cache.iter().find_map(|rule| rule.value_for(&path)).filter(|_| cacheable);
        let response = match cache {
            Some(value) => response.typed_header("Cache-Control", value.to_string()),
            None => response,
        };
        self.headers.iter().fold(response, |r, (name, value)| r.typed_header(name, value.clone()))
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

impl HttpHandler for StaticFiles {
    fn get(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        Ok(self.serve(req))
    }

    fn unsupported(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        Ok(HttpResponse::method_not_allowed(req.method(), &[Method::Get, Method::Head]))
    }
}
