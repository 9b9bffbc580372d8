//! The HTML page listing a directory.

use percent_encoding::{percent_decode_str, percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::ffi::OsString;
use std::fmt::Write;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Bytes left as they are in an href: RFC 3986 unreserved characters.
const HREF: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The listing page of `dir`, reached at the request path `raw`: entries
/// sorted by name, directories marked with `/`, names HTML-escaped and
/// hrefs percent-encoded, so no file name can inject markup.
///
/// # Errors
///
/// Fails when the directory cannot be read.
pub(super) fn listing_page(dir: &Path, raw: &str) -> io::Result<String> {
    let mut entries = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|entry| (entry.file_name(), fs::metadata(entry.path()).is_ok_and(|m| m.is_dir())))
        .collect::<Vec<(OsString, bool)>>();
    entries.sort();
    let title = escape(&percent_decode_str(raw).decode_utf8_lossy());
    let mut page = format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Directory listing for {title}</title>\n</head>\n<body>\n\
         <h1>Directory listing for {title}</h1>\n<hr>\n<ul>\n"
    );
    for (name, is_dir) in &entries {
        let slash = if *is_dir { "/" } else { "" };
        let href = percent_encode(name.as_bytes(), HREF);
        let text = escape(&name.to_string_lossy());
        let _ = writeln!(page, "<li><a href=\"{href}{slash}\">{text}{slash}</a></li>");
    }
    page.push_str("</ul>\n<hr>\n</body>\n</html>\n");
    Ok(page)
}

/// Escapes text for HTML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}
