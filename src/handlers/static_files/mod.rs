//! `python -m http.server`, without the way out of its directory.

mod byte_range;
mod files;
mod listing;
mod redirect;
mod resolve;

pub use self::files::StaticFiles;
