//! The response for one regular file: its representation (the file, a
//! precompressed sibling, or gzip on the fly), its validators and
//! preconditions, then `200`, `206` (one range or several), `304`, `412`
//! or `416`.

use super::byte_range::Ranges;
use super::coding::{AcceptEncoding, Coding, SIDECARS};
use super::multipart::Multipart;
use super::resolve::{forbidden, inside, Opened};
use super::validators::{etag, evaluate, if_range_allows, Verdict};
use crate::http::{HttpRequest, HttpResponse};
use std::fs::{self, File, Metadata};
use std::path::{Path, PathBuf};

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
struct Representation {
    /// Open, for the file itself; a sibling is opened once chosen.
    file: Option<File>,
    path: PathBuf,
    meta: Metadata,
    coding: Option<Coding>,
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
    let mut chosen = representation(req, opened, &content_type, options);
    let tag = match (chosen.on_the_fly, chosen.coding) {
        (true, _) => format!("W/{}", etag(&chosen.meta, Some("gzip"))),
        (false, coding) => etag(&chosen.meta, coding.map(Coding::extension)),
    };
    let modified = chosen.meta.modified().ok();
    let last_modified = modified.map(httpdate::fmt_http_date);
    let mut validators = vec![("ETag", tag.clone())];
    validators.extend(last_modified.clone().map(|date| ("Last-Modified", date)));
    if chosen.vary {
        validators.push(("Vary", "Accept-Encoding".to_string()));
    }
    match evaluate(req, &tag, modified) {
        Verdict::NotModified => return Ok(with(HttpResponse::new(304), validators)),
        Verdict::Failed => {
            let text = "412 Precondition Failed: the file does not match If-Match or If-Unmodified-Since\n";
            return Ok(with(HttpResponse::text(412, text), validators));
        }
        Verdict::Proceed => {}
    }
    let len = chosen.meta.len();
    let ranges = if chosen.on_the_fly || !if_range_allows(req, &tag, last_modified.as_deref()) {
        Ranges::Whole
    } else {
        Ranges::parse(req.header("range"), len)
    };
    let file = match chosen.file.take() {
        Some(file) => file,
        None => File::open(&chosen.path).map_err(|_| forbidden())?,
    };
    let mut headers = validators;
    let response = match ranges {
        Ranges::Whole if chosen.on_the_fly => {
            headers.push(("Content-Type", content_type));
            gzip_body(HttpResponse::new(200), file)
        }
        Ranges::Whole => {
            headers.push(("Content-Type", content_type));
            HttpResponse::new(200).file_body(file, 0, len)
        }
        Ranges::Parts(parts) if parts.len() == 1 => {
            let (first, last) = parts[0];
            headers.push(("Content-Type", content_type));
            headers.push(("Content-Range", format!("bytes {first}-{last}/{len}")));
            HttpResponse::new(206).file_body(file, first, last - first + 1)
        }
        Ranges::Parts(parts) => {
            let body = Multipart::new(file, &parts, len, &content_type, &tag);
            headers.push(("Content-Type", body.content_type()));
            let size = body.len();
            HttpResponse::new(206).sized_body(body, size)
        }
        Ranges::Unsatisfiable => {
            headers.push(("Content-Range", format!("bytes */{len}")));
            HttpResponse::text(416, format!("416 Range Not Satisfiable: the file has {len} bytes\n"))
        }
    };
    if let Some(coding) = chosen.coding.or(chosen.on_the_fly.then_some(Coding::Gzip)) {
        headers.push(("Content-Encoding", coding.token().to_string()));
    }
    headers.push(("Accept-Ranges", if chosen.on_the_fly { "none" } else { "bytes" }.to_string()));
    Ok(with(response, headers))
}

/// Adds header fields built here from checked parts.
fn with(response: HttpResponse, headers: Vec<(&str, String)>) -> HttpResponse {
    headers.into_iter().fold(response, |response, (name, value)| response.typed_header(name, value))
}

/// Chooses what to send: a precompressed sibling the client accepts and
/// prefers, else gzip on the fly when enabled and fit (never for a range
/// request), else the file itself. `vary` is set whenever the choice could
/// have depended on `Accept-Encoding` (a sibling exists, or the file is fit
/// for gzip), even when this request sent none: a cache must not hand the
/// identity answer to a client that asks for gzip (RFC 9110 §12.5.5).
fn representation(
    req: &HttpRequest,
    opened: Opened,
    content_type: &str,
    options: FileOptions<'_>,
) -> Representation {
    let Opened { path, file, meta } = opened;
    let mut chosen =
        Representation { file: Some(file), path, meta, coding: None, on_the_fly: false, vary: false };
    let accept = req.header("accept-encoding").map(AcceptEncoding::parse);
    if options.precompressed {
        let siblings: Vec<(Coding, PathBuf, Metadata)> =
            SIDECARS.iter().filter_map(|&coding| sibling(options.root, &chosen.path, coding)).collect();
        chosen.vary = !siblings.is_empty();
        if let Some(best) = accept.as_ref().and_then(|a| a.best(siblings.iter().map(|(coding, ..)| *coding)))
        {
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
        chosen.on_the_fly =
            accept.is_some_and(|a| a.best([Coding::Gzip]).is_some()) && req.header("range").is_none();
    }
    chosen
}

/// `path.br`, `path.zst` or `path.gz` when it is a regular file inside
/// the root (a symlink is followed only if it stays inside).
fn sibling(root: &Path, path: &Path, coding: Coding) -> Option<(Coding, PathBuf, Metadata)> {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(coding.extension());
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

#[cfg(feature = "gzip")]
fn gzip_body(response: HttpResponse, file: File) -> HttpResponse {
    response.stream(flate2::read::GzEncoder::new(file, flate2::Compression::default()))
}

#[cfg(not(feature = "gzip"))]
fn gzip_body(response: HttpResponse, file: File) -> HttpResponse {
    let len = file.metadata().map_or(0, |meta| meta.len());
    response.file_body(file, 0, len)
}
