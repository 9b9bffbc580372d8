//! `python -m http.server`, without the way out of its directory.

mod byte_range;
mod cache_rule;
mod coding;
mod file_response;
mod files;
mod listing;
mod multipart;
mod redirect;
mod resolve;
mod validators;

pub use self::files::StaticFiles;
