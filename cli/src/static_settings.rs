//! What `serve static` is told beyond its directory: index names,
//! `Cache-Control` rules, extra header fields, a 404 page, compression
//! and sendfile; flags laid over the config file's keys.

use crate::args::ServeArgs;
use crate::config_file::ConfigFile;
use crate::error::CliError;
use socketserver::handlers::StaticFiles;
use std::path::PathBuf;

/// Gzip on the fly applies from this size on.
pub const GZIP_MIN_SIZE: u64 = 1024;

/// The static server's options, resolved.
#[derive(Debug, Default)]
pub struct StaticSettings {
    /// Index file names, tried in order (empty: the library's default).
    pub index: Vec<String>,
    /// `PATTERN=VALUE` Cache-Control rules, in order.
    pub cache_control: Vec<String>,
    /// `Name: value` header fields for every response.
    pub headers: Vec<String>,
    /// The 404 page.
    pub not_found_page: Option<PathBuf>,
    /// Gzip on the fly.
    pub gzip: bool,
    /// Precompressed siblings are served.
    pub precompressed: bool,
    /// File bodies go by sendfile(2).
    pub sendfile: bool,
}

impl StaticSettings {
    /// The flags over the file: lists from the flags replace the file's,
    /// switches turn on (or off, for the `no-` ones) whichever sets them.
    pub fn resolve(args: &ServeArgs, file: &ConfigFile) -> StaticSettings {
        let pick = |flag: &Vec<String>, file: &Option<Vec<String>>| {
            if flag.is_empty() {
                file.clone().unwrap_or_default()
            } else {
                flag.clone()
            }
        };
        StaticSettings {
            index: pick(&args.index, &file.index),
            cache_control: pick(&args.cache_control, &file.cache_control),
            headers: pick(&args.header, &file.headers),
            not_found_page: args.not_found_page.clone().or(file.not_found_page.clone()),
            gzip: args.gzip || file.gzip == Some(true),
            precompressed: !args.no_precompressed && file.precompressed != Some(false),
            sendfile: !args.no_sendfile && file.sendfile != Some(false),
        }
    }

    /// The names of the options set away from their defaults, for
    /// refusing them on a server that is not `static`.
    pub fn given(&self) -> Vec<&'static str> {
        let mut given = Vec::new();
        let set = [
            (!self.index.is_empty(), "--index (`index`)"),
            (!self.cache_control.is_empty(), "--cache-control (`cache_control`)"),
            (!self.headers.is_empty(), "--header (`headers`)"),
            (self.not_found_page.is_some(), "--not-found-page (`not_found_page`)"),
            (self.gzip, "--gzip (`gzip`)"),
            (!self.precompressed, "--no-precompressed (`precompressed`)"),
            (!self.sendfile, "--no-sendfile (`sendfile`)"),
        ];
        given.extend(set.iter().filter(|(on, _)| *on).map(|(_, name)| *name));
        given
    }

    /// Applies the options to a file server.
    ///
    /// # Errors
    ///
    /// A usage error naming the flag (and key), what was wrong, and what
    /// is accepted.
    pub fn apply(&self, mut files: StaticFiles) -> Result<StaticFiles, CliError> {
        if !self.index.is_empty() {
            files = files.index_names(self.index.clone()).map_err(|err| bad("--index (`index`)", &err))?;
        }
        for rule in &self.cache_control {
            let (pattern, value) = rule.split_once('=').ok_or_else(|| {
                CliError::usage(format!(
                    "bad --cache-control (`cache_control`) {rule:?}: expected PATTERN=VALUE, such as \
                     '*.css=max-age=3600' or '/assets/=public, immutable'"
                ))
            })?;
            files = files
                .cache_control(pattern.trim(), value.trim())
                .map_err(|err| bad("--cache-control", &err))?;
        }
        for header in &self.headers {
            let (name, value) = header.split_once(':').ok_or_else(|| {
                CliError::usage(format!(
                    "bad --header (`headers`) {header:?}: expected 'Name: value', such as 'X-Frame-Options: DENY'"
                ))
            })?;
            files =
                files.header(name.trim(), value.trim()).map_err(|err| bad("--header (`headers`)", &err))?;
        }
        if let Some(page) = &self.not_found_page {
            files =
                files.not_found_page(page).map_err(|err| bad("--not-found-page (`not_found_page`)", &err))?;
        }
        Ok(files.precompressed(self.precompressed).gzip(self.gzip.then_some(GZIP_MIN_SIZE)))
    }
}

fn bad(what: &str, err: &std::io::Error) -> CliError {
    CliError::usage(format!("bad {what}: {err}"))
}
