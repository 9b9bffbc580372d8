//! The rules of RFC 9110 that decide how a representation is answered:
//! validators and preconditions (§8.8, §13), byte ranges (§14) and
//! content-coding negotiation (§12.5.3), for any handler's bodies.
//! `StaticFiles` answers files with the same code.

mod accept_encoding;
mod byte_range;
mod content_coding;
mod entity_tag;
mod multipart;
mod precondition;
mod ranges;
mod representation;
mod validators;

pub use self::accept_encoding::AcceptEncoding;
pub use self::byte_range::ByteRange;
pub use self::content_coding::ContentCoding;
pub use self::entity_tag::EntityTag;
pub use self::precondition::Precondition;
pub use self::ranges::Ranges;
pub use self::representation::Representation;
pub use self::validators::Validators;
