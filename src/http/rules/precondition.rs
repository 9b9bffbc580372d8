//! What a request's preconditions decide.

/// What the preconditions of a request decide (RFC 9110 §13.2.2), from
/// [`Validators::precondition`](super::Validators::precondition).
///
/// # Examples
///
/// ```
/// use socketserver::http::{HttpRequest, HttpResponse, Precondition, Validators};
///
/// // A PUT that must not overwrite someone else's change (a lost update).
/// fn update(req: &HttpRequest, current: &Validators) -> HttpResponse {
///     match current.precondition(req) {
///         Precondition::Proceed => HttpResponse::new(204),
///         Precondition::NotModified => HttpResponse::new(304),
///         Precondition::Failed => HttpResponse::text(412, "changed since you read it; read it again\n"),
///     }
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precondition {
    /// Answer the request as if it had no preconditions.
    Proceed,
    /// `304 Not Modified`: the client's copy is current (`GET` and
    /// `HEAD` only).
    NotModified,
    /// `412 Precondition Failed`.
    Failed,
}
