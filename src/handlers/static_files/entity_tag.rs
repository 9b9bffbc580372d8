//! A file's entity tag; the rules that compare it live in
//! `crate::http` (`Validators`).

use crate::http::EntityTag;
use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::time::SystemTime;

/// An entity tag for a file: its size, modification time (to the
/// nanosecond) and inode, in hex, so any change of content that touches
/// one of them changes the tag; a precompressed variant adds its coding,
/// so each representation has its own tag. Weak for a body compressed
/// on the fly (its bytes depend on the compressor).
pub(super) fn etag(meta: &Metadata, coding: Option<&str>, weak: bool) -> EntityTag {
    let nanos = meta.modified().ok().and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok());
    let nanos = nanos.map_or(0, |d| d.as_nanos());
    let opaque = match coding {
        Some(coding) => format!("{:x}-{nanos:x}-{:x}-{coding}", meta.len(), meta.ino()),
        None => format!("{:x}-{nanos:x}-{:x}", meta.len(), meta.ino()),
    };
    let tag = if weak { EntityTag::weak(opaque) } else { EntityTag::strong(opaque) };
    tag.expect("hex digits, '-' and a coding token make a valid entity tag")
}
