//! The response for one regular file: its representation (the file, a
//! precompressed sibling, or gzip on the fly) and its validators, answered
//! by the HTTP layer's rules (`socketserver::http::Representation`).

use super::entity_tag::etag;
use super::resolve::{forbidden, inside, Opened};
use crate::http::{AcceptEncoding, ContentCoding, HttpRequest, HttpResponse, Representation, Validators};
use std::fs::{self, File, Metadata};
use std::path::{Path, PathBuf};

/// The codings tried for precompressed files, in the server's order of
/// preference when the client weighs them equally.
const SIDECARS: [ContentCoding; 3] = [ContentCoding::Brotli, ContentCoding::Zstd, ContentCoding::Gzip];

/// What the file server was told that shapes a file's response.
#[derive(Clone, Copy, Debug)]
pub(super) struct FileOptions<'a> {
    /// The canonical root: precompressed files must lie inside it too.
    pub(super) root: &'a Path,
    /// Whether `file.br`, `file.zst` and `file.gz` are looked for.
    pub(super) precompressed: bool,
    /// Compress with gzip on the fly from this size on (`None`: never).
    pub(super) gzip_min: Option<u64>,
}

/// The bytes chosen to answer: the file or a precompressed sibling.
struct Choice {
    /// Open, for the file itself; a sibling is opened once chosen.
    file: Option<File>,
    path: PathBuf,
    meta: Metadata,
    coding: Option<ContentCoding>,
    /// Compressed with gzip as it is sent.
    on_the_fly: bool,
    /// The choice depended on `Accept-Encoding`.
    vary: bool,
}

/// Answers a request for the regular file `opened` (inside the root).
///
/// # Errors
///
/// The response to send instead (403) when a precompressed sibling
/// cannot be opened.
pub(super) fn file_response(
    req: &HttpRequest,
    opened: Opened,
    options: FileOptions<'_>,
) -> Result<HttpResponse, HttpResponse> {
    let content_type = mime_guess::from_path(&opened.path).first_or_octet_stream().to_string();
    let mut chosen = choose(req, opened, &content_type, options);
    let file = match chosen.file.take() {
        Some(file) => file,
        None => File::open(&chosen.path).map_err(|_| forbidden())?,
    };
    let (tag, representation) = if chosen.on_the_fly {
        (etag(&chosen.meta, Some("gzip"), true), Representation::stream(&content_type, gzip(file)))
    } else {
        let coding = chosen.coding.map(extension);
        (etag(&chosen.meta, coding, false), Representation::file(&content_type, file, chosen.meta.len()))
    };
    let mut validators = Validators::new().etag(tag);
    if let Ok(modified) = chosen.meta.modified() {
        validators = validators.last_modified(modified);
    }
    let representation = representation.map_err(|_| forbidden())?.validators(validators);
    let coding = chosen.coding.or(chosen.on_the_fly.then_some(ContentCoding::Gzip));
    let representation = if chosen.vary { representation.negotiated(coding) } else { representation };
    Ok(representation.respond(req))
}

/// Chooses what to send: a precompressed sibling the client accepts and
/// prefers, else gzip on the fly when enabled and fit (never for a range
/// request), else the file itself. `vary` is set whenever the choice could
/// have depended on `Accept-Encoding` (a sibling exists, or the file is fit
/// for gzip), even when this request sent none: a cache must not hand the
/// identity answer to a client that asks for gzip (RFC 9110 §12.5.5).
fn choose(req: &HttpRequest, opened: Opened, content_type: &str, options: FileOptions<'_>) -> Choice {
    let Opened { path, file, meta } = opened;
    let mut chosen = Choice { file: Some(file), path, meta, coding: None, on_the_fly: false, vary: false };
    let accept = AcceptEncoding::of(req);
    if options.precompressed {
        let siblings: Vec<(ContentCoding, PathBuf, Metadata)> =
            SIDECARS.iter().filter_map(|&coding| sibling(options.root, &chosen.path, coding)).collect();
        chosen.vary = !siblings.is_empty();
        let available: Vec<ContentCoding> = siblings.iter().map(|(coding, ..)| *coding).collect();
        if let Some(best) = accept.best(&available) {
            if let Some((coding, path, meta)) = siblings.into_iter().find(|(c, ..)| *c == best) {
                chosen.file = None;
                chosen.path = path;
                chosen.meta = meta;
                chosen.coding = Some(coding);
                return chosen;
            }
        }
    }
    let fit = options.gzip_min.is_some_and(|min| chosen.meta.len() >= min) && compressible(content_type);
    if fit && cfg!(feature = "gzip") {
        chosen.vary = true;
        chosen.on_the_fly = accept.best(&[ContentCoding::Gzip]).is_some() && req.header("range").is_none();
    }
    chosen
}

/// The extension of a precompressed file beside the original (`zz` is
/// zlib's, as pigz writes it; `SIDECARS` has no deflate).
fn extension(coding: ContentCoding) -> &'static str {
    match coding {
        ContentCoding::Brotli => "br",
        ContentCoding::Zstd => "zst",
        ContentCoding::Gzip => "gz",
        ContentCoding::Deflate => "zz",
    }
}

/// `path.br`, `path.zst` or `path.gz` when it is a regular file inside
/// the root (a symlink is followed only if it stays inside).
fn sibling(root: &Path, path: &Path, coding: ContentCoding) -> Option<(ContentCoding, PathBuf, Metadata)> {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(extension(coding));
    let sibling = PathBuf::from(name);
    let link = fs::symlink_metadata(&sibling).ok()?;
    let sibling = if link.file_type().is_symlink() { inside(root, &sibling).ok()? } else { sibling };
    let meta = if link.file_type().is_symlink() { fs::metadata(&sibling).ok()? } else { link };
    meta.is_file().then_some((coding, sibling, meta))
}

/// Types worth compressing: text, and the structured text formats.
fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || [
            "application/javascript",
            "application/json",
            "application/xml",
            "image/svg+xml",
            "application/wasm",
        ]
        .iter()
        .any(|t| content_type.starts_with(t))
}

/// The file compressed with gzip as it is read.
#[cfg(feature = "gzip")]
fn gzip(file: File) -> Gzip {
    Gzip { file: Some(file), encoder: None }
}

/// A gzip encoder made at the first read: its state (a few hundred KiB)
/// is never allocated for a `304` or `412`, whose bodies are not read.
#[cfg(feature = "gzip")]
struct Gzip {
    file: Option<File>,
    encoder: Option<flate2::read::GzEncoder<File>>,
}

#[cfg(feature = "gzip")]
impl std::io::Read for Gzip {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if let Some(file) = self.file.take() {
            self.encoder = Some(flate2::read::GzEncoder::new(file, flate2::Compression::default()));
        }
        self.encoder.as_mut().map_or(Ok(0), |encoder| encoder.read(buf))
    }
}

/// Without the `gzip` feature nothing is compressed on the fly
/// (`choose` never picks it), so this is never called.
#[cfg(not(feature = "gzip"))]
fn gzip(file: File) -> File {
    file
}
