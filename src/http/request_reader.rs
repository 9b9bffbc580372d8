//! Reading one whole request, head and body, as far as the bytes
//! received allow: the reading half of the connection's state machine.

use super::body_length::BodyLength;
use super::body_reader::BodyReader;
use super::head::RequestHead;
use super::head_reader::take_head;
use super::rejection::Rejection;
use super::target::check_target;
use super::{HttpLimits, Method};
use crate::request::ReadBuffer;

/// A request read whole: its head, method and body.
#[derive(Debug)]
pub(super) struct ReadRequest {
    pub(super) head: RequestHead,
    pub(super) method: Method,
    pub(super) body: Vec<u8>,
    /// How many bytes the head took.
    pub(super) head_len: usize,
}

/// What the reader waits for.
#[derive(Debug, Default)]
enum State {
    /// The request head (nothing of it may have arrived yet).
    #[default]
    Head,
    /// The body of a head already read and checked.
    Body(Box<Reading>),
}

/// A request whose head is read and whose body is being read.
#[derive(Debug)]
struct Reading {
    head: RequestHead,
    method: Method,
    head_len: usize,
    body: BodyReader,
    /// The client asked for `100 Continue` and none of the body had come.
    continue_due: bool,
}

/// Reads requests off a connection's read buffer, resuming where the
/// bytes ran out. A refused request ends the connection, so the reader
/// is not used after a [`Rejection`].
#[derive(Debug, Default)]
pub(super) struct RequestReader {
    state: State,
}

impl RequestReader {
    /// Takes what the pending input holds of the request; `Ok(Some(_))`
    /// once it is whole, after which the reader waits for the next head.
    ///
    /// # Errors
    ///
    /// A [`Rejection`] for a request the layer refuses: 414, 431, 400,
    /// 505 for its head, 501 for an unknown method or coding, 417 for an
    /// expectation other than `100-continue`, 413 and 400 for its body.
    pub(super) fn advance(
        &mut self,
        input: &mut ReadBuffer,
        limits: &HttpLimits,
    ) -> Result<Option<ReadRequest>, Rejection> {
        if let State::Head = self.state {
            let Some((head, head_len)) = take_head(input, limits)? else {
                return Ok(None);
            };
            self.state = State::Body(Box::new(Reading::begin(head, head_len, input, limits)?));
        }
        let State::Body(reading) = &mut self.state else { return Ok(None) };
        if !reading.body.advance(input, limits)? {
            return Ok(None);
        }
        let State::Body(reading) = std::mem::take(&mut self.state) else { return Ok(None) };
        let Reading { head, method, head_len, body, .. } = *reading;
        Ok(Some(ReadRequest { head, method, body: body.into_body(), head_len }))
    }

    /// Whether no head has been read of the request under way.
    pub(super) fn in_head(&self) -> bool {
        matches!(self.state, State::Head)
    }

    /// Whether `100 Continue` is due now: asked for, and the body has
    /// not begun to arrive. True once per request.
    pub(super) fn take_continue(&mut self) -> bool {
        match &mut self.state {
            State::Body(reading) => std::mem::take(&mut reading.continue_due),
            State::Head => false,
        }
    }
}

impl Reading {
    /// Checks a head read and readies the reading of its body.
    fn begin(
        head: RequestHead,
        head_len: usize,
        input: &ReadBuffer,
        limits: &HttpLimits,
    ) -> Result<Reading, Rejection> {
        let method = Method::from_token(head.method()).ok_or_else(|| unknown_method(head.method()))?;
        check_host(&head)?;
        check_target(&head, method)?;
        let length = BodyLength::of(&head)?;
        BodyReader::check_declared(length, limits)?;
        let continue_due = expects_continue(&head)? && length != BodyLength::Empty && input.len() == 0;
        Ok(Reading { head, method, head_len, body: BodyReader::new(length), continue_due })
    }
}

fn unknown_method(method: &str) -> Rejection {
    Rejection::new(
        501,
        format!(
            "the method {method} is not implemented; known methods are \
             GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE and PATCH"
        ),
    )
}

/// HTTP/1.1 requests need exactly one `Host` (RFC 9112 §3.2).
fn check_host(head: &RequestHead) -> Result<(), Rejection> {
    if head.minor == 1 && head.values("host").count() != 1 {
        return Err(Rejection::new(400, "an HTTP/1.1 request needs exactly one Host header"));
    }
    Ok(())
}

/// Whether an HTTP/1.1 request asks for `100 Continue`; any other
/// expectation is refused with 417.
fn expects_continue(head: &RequestHead) -> Result<bool, Rejection> {
    let expect = head.list("expect");
    if expect.is_empty() || head.minor == 0 {
        return Ok(false);
    }
    if expect != ["100-continue"] {
        return Err(Rejection::new(
            417,
            format!("the expectation {expect:?} is not supported; only `Expect: 100-continue` is"),
        ));
    }
    Ok(true)
}
