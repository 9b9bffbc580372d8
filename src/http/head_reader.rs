//! Taking a whole request head off the front of the read buffer.

use super::head::{parse_head, RequestHead};
use super::rejection::Rejection;
use super::HttpLimits;
use crate::request::ReadBuffer;

/// Takes a head from the pending input once all of it has arrived:
/// `Ok(None)` while it is incomplete (or nothing is pending), else the
/// head and how many bytes it took.
///
/// # Errors
///
/// A [`Rejection`] for a head that breaks a limit or is malformed (414,
/// 431, 400, 505), as soon as the bytes show it.
pub(super) fn take_head(
    input: &mut ReadBuffer,
    limits: &HttpLimits,
) -> Result<Option<(RequestHead, usize)>, Rejection> {
    if input.len() == 0 {
        return Ok(None);
    }
    let Some((head, len)) = parse_head(input.pending(), limits)? else {
        return Ok(None);
    };
    input.consume(len);
    Ok(Some((head, len)))
}
