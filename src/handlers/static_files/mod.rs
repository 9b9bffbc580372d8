//! `python -m http.server`, without the way out of its directory.

mod cache_rule;
mod entity_tag;
mod file_response;
mod files;
mod listing;
mod redirect;
mod resolve;

pub use self::files::StaticFiles;
