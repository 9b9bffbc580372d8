//! The HTML page listing a directory.

use percent_encoding::{percent_decode_str, percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::ffi::OsString;
use std::fmt::Write;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::SystemTime;

/// Bytes left as they are in an href: RFC 3986 unreserved characters.
const HREF: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The page's style: a readable table, light or dark as the reader's
/// system prefers (`prefers-color-scheme`).
const STYLE: &str = "\
:root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#666;--link:#0645ad;--row:#f3f3f3}\n\
@media (prefers-color-scheme: dark){:root{--fg:#e6e6e6;--bg:#16181c;--muted:#9aa0a6;--link:#8ab4f8;--row:#22252b}}\n\
body{font:15px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg);margin:2em auto;max-width:60em;padding:0 1em}\n\
h1{font-size:1.3em;word-break:break-all}a{color:var(--link);text-decoration:none}a:hover{text-decoration:underline}\n\
table{border-collapse:collapse;width:100%}th,td{padding:.3em .6em;text-align:left}\n\
th{color:var(--muted);font-weight:600;border-bottom:1px solid var(--muted)}tr:nth-child(even) td{background:var(--row)}\n\
td.size,th.size{text-align:right;font-variant-numeric:tabular-nums}td.date{color:var(--muted);white-space:nowrap}\n";

/// One entry of a listing.
struct Entry {
    name: OsString,
    is_dir: bool,
    size: u64,
    modified: Option<SystemTime>,
}

/// The listing page of `dir`, reached at the request path `raw`: a table
/// of names (directories marked with `/`), sizes and modification dates
/// (UTC), sorted by name ignoring case, with a link to the parent; names
/// HTML-escaped and hrefs percent-encoded, so no file name can inject
/// markup; light and dark themes.
///
/// # Errors
///
/// Fails when the directory cannot be read.
pub(super) fn listing_page(dir: &Path, raw: &str) -> io::Result<String> {
    let mut entries = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|entry| {
            let meta = fs::metadata(entry.path()).ok();
            Entry {
                name: entry.file_name(),
                is_dir: meta.as_ref().is_some_and(|m| m.is_dir()),
                size: meta.as_ref().map_or(0, |m| m.len()),
                modified: meta.and_then(|m| m.modified().ok()),
            }
        })
        .collect::<Vec<Entry>>();
    entries.sort_by_cached_key(|e| (e.name.to_string_lossy().to_lowercase(), e.name.clone()));
    let title = escape(&percent_decode_str(raw).decode_utf8_lossy());
    let mut page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <title>Directory listing for {title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n\
         <h1>Directory listing for {title}</h1>\n<table>\n\
         <thead><tr><th>Name</th><th class=\"size\">Size</th><th>Last modified (UTC)</th></tr></thead>\n<tbody>\n"
    );
    if raw != "/" {
        page.push_str(
            "<tr><td><a href=\"../\">../</a></td><td class=\"size\"></td><td class=\"date\"></td></tr>\n",
        );
    }
    for entry in &entries {
        let slash = if entry.is_dir { "/" } else { "" };
        let href = percent_encode(entry.name.as_bytes(), HREF);
        let text = escape(&entry.name.to_string_lossy());
        let size = match entry.is_dir {
            true => "<td class=\"size\"></td>".to_string(),
            false => {
                format!("<td class=\"size\" title=\"{} bytes\">{}</td>", entry.size, human_size(entry.size))
            }
        };
        let date = entry.modified.map(date).unwrap_or_default();
        let _ = writeln!(
            page,
            "<tr><td><a href=\"{href}{slash}\">{text}{slash}</a></td>{size}<td class=\"date\">{date}</td></tr>"
        );
    }
    page.push_str("</tbody>\n</table>\n</body>\n</html>\n");
    Ok(page)
}

/// `512 B`, `1.5 KiB`, `20 MiB`: three significant figures at most.
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if value < 10.0 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

/// `2026-12-02 08:40` in UTC.
fn date(time: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time).format("%Y-%m-%d %H:%M").to_string()
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

#[cfg(test)]
mod tests {
    use super::human_size;

    #[test]
    fn sizes_read_like_ls_h() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(20 * 1024 * 1024), "20 MiB");
        assert_eq!(human_size(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }
}
